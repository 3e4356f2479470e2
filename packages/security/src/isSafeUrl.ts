/**
 * Whether a user-provided URL is safe to put in `href` or `src`: `http:`, `https:`, `mailto:`, `tel:` and
 * relative URLs; `data:` only for raster images (`png`, `gif`, `jpeg`, `webp`, `avif`, not SVG, which can
 * carry script); never `javascript:`, `vbscript:`, `blob:` or anything else. Parsed the way browsers parse
 * it, so `java\tscript:` or `  JAVASCRIPT:` are caught too.
 *
 * @example
 * isSafeUrl('https://example.com/a') // true
 * isSafeUrl('javascript:alert(1)') // false
 * isSafeUrl('data:image/png;base64,iVBORw0KGgo=') // true
 */
export function isSafeUrl(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url, 'https://relative.invalid/')
  } catch {
    return false
  }
  const protocol = parsed.protocol
  if (protocol === 'data:') return /^image\/(png|gif|jpe?g|webp|avif)[;,]/i.test(parsed.pathname)
  return ['http:', 'https:', 'mailto:', 'tel:'].includes(protocol)
}

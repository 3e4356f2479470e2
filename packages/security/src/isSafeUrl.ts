/**
 * Whether a user-provided URL is safe to put in `href` or `src` in the sense of **not script-capable**:
 * `http:`, `https:`, `mailto:`, `tel:` and relative URLs; `data:` only for raster images (`png`, `gif`,
 * `jpeg`, `webp`, `avif`, not SVG, which can carry script); never `javascript:`, `vbscript:`, `blob:` or
 * anything else. Parsed the way browsers parse it, so `java\tscript:` or `  JAVASCRIPT:` are caught too.
 *
 * It is not a same-origin check: `//evil.com` and `/\evil.com` are `https:` links to another site (browsers
 * read a leading `//` as "same scheme, other host" and `\` as `/`), so they pass. Where the URL must stay on
 * the site (a `?next=` redirect, a credentialed `fetch`), use `isSameOriginUrl(url, origin)`. Never throws.
 *
 * @example
 * isSafeUrl('https://example.com/a') // true
 * isSafeUrl('javascript:alert(1)') // false
 * isSafeUrl('data:image/png;base64,iVBORw0KGgo=') // true
 * isSafeUrl('//evil.com') // true: another site, but no script
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

import { loadSanitizer, type LoadSanitizerOptions } from './loadSanitizer'

/**
 * Sanitizes user-provided rich text with DOMPurify (loaded on first use, so it costs nothing until then):
 * scripts, event handlers, `javascript:` URLs, SVG/MathML and mutation-XSS tricks are removed. Async
 * because of the lazy load; use `loadSanitizer()` for a synchronous function, and `renderSanitizedHtml` to
 * write into the page under Trusted Types.
 *
 * @example
 * const safe = await sanitizeHtml('<p>hi<img src=x onerror=alert(1)></p>') // '<p>hi<img src="x"></p>'
 */
export async function sanitizeHtml(html: string, options?: LoadSanitizerOptions): Promise<string> {
  return (await loadSanitizer(options))(html)
}

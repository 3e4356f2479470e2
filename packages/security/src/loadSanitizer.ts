import { escapeHtml } from './escapeHtml'
import { loadPurifier } from './loadPurifier'
import { SANITIZER_CONFIG } from './sanitizerConfig'

/** Sanitizes one piece of user-provided rich text; synchronous once loaded. */
export type HtmlSanitizer = (html: string) => string

export interface LoadSanitizerOptions {
  /** The window whose DOM parses the HTML (a jsdom window on a server). Default the global one. */
  readonly window?: Window
}

/**
 * Loads DOMPurify (a separate chunk, fetched on first use) and resolves to a synchronous sanitizer: call it
 * once early (`await loadSanitizer()`) where rich text must be rendered without waiting. Where no DOM exists
 * (plain Node without a `window` option) the sanitizer escapes everything instead, never passing HTML through.
 *
 * @example
 * const sanitize = await loadSanitizer()
 * preview.textContent = sanitize(comment) // '<b>hi</b>' from '<b onclick="x()">hi</b><script>…</script>'
 */
export async function loadSanitizer(options: LoadSanitizerOptions = {}): Promise<HtmlSanitizer> {
  const purifier = await loadPurifier(options.window)
  return (html) => (purifier.isSupported ? String(purifier.sanitize(String(html), SANITIZER_CONFIG)) : escapeHtml(html))
}

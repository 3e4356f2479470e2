import { escapeHtml } from './escapeHtml'
import { loadPurifier } from './loadPurifier'
import { SANITIZER_CONFIG } from './sanitizerConfig'

/**
 * Sanitizes user-provided rich text and puts it into `element`. Under `require-trusted-types-for 'script'`
 * it hands `innerHTML` a `TrustedHTML` made by DOMPurify's own `dompurify` policy (allowed by the default
 * CSP), so the app needs no policy of its own that passes HTML through.
 *
 * @example
 * await renderSanitizedHtml(commentElement, comment.html)
 */
export async function renderSanitizedHtml(element: Element, html: string): Promise<void> {
  const purifier = await loadPurifier(element.ownerDocument.defaultView ?? undefined)
  element.innerHTML = (
    purifier.isSupported
      ? purifier.sanitize(String(html), { ...SANITIZER_CONFIG, RETURN_TRUSTED_TYPE: true })
      : escapeHtml(html)
  ) as string
}

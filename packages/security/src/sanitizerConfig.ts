/**
 * Rich text, not an app: no `<style>` (CSS can exfiltrate and overlay), no forms (credential phishing), no
 * SVG or MathML (the home of most mutation-XSS tricks), no `data-*`, and ids/names prefixed so user content
 * cannot clobber the app's globals.
 *
 * @example
 * DOMPurify.sanitize(html, SANITIZER_CONFIG) // what sanitizeHtml does
 */
export const SANITIZER_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option'],
  FORBID_ATTR: ['style'],
  ALLOW_DATA_ATTR: false,
  SANITIZE_NAMED_PROPS: true,
} as const

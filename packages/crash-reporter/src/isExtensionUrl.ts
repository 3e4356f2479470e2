/**
 * Whether a URL belongs to a browser extension (Chrome, Firefox, Safari), whose errors are not the app's.
 *
 * @example
 * isExtensionUrl('chrome-extension://abc/content.js') // true
 */
export function isExtensionUrl(url: string): boolean {
  return /^(chrome|moz|safari(-web)?|ms-browser)-extension:/.test(url)
}

import { encodeBase64Url } from './encodeBase64Url'

/**
 * base64url (no padding) → bytes, strictly: any other character, and any non-canonical spelling of the same
 * bytes (spare low bits set), gives `undefined` — a tampered segment must never decode to the original.
 *
 * @example
 * decodeBase64Url('-_8') // Uint8Array [251, 255]
 * decodeBase64Url('a b') // undefined
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[\w-]*$/.test(text)) return undefined
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    return encodeBase64Url(bytes) === text ? bytes : undefined
  } catch {
    return undefined
  }
}

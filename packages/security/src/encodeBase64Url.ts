/**
 * Bytes → base64url without padding (RFC 4648 §5), the encoding of JWS and of this package's tokens.
 *
 * @example
 * encodeBase64Url(new Uint8Array([251, 255])) // '-_8'
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

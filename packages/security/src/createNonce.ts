import { globalScope, type GlobalScope } from '@marco/core'

/**
 * Random bytes in a nonce: 144 bits, ≥ the 128 bits CSP asks for, and a multiple of 3 so base64 needs no padding.
 *
 * @example
 * createNonce().length === (NONCE_BYTES / 3) * 4 // 24 characters
 */
export const NONCE_BYTES = 18

/**
 * A fresh CSP nonce: 18 bytes from `crypto.getRandomValues`, base64 (24 characters). Make one per response,
 * never reuse one.
 *
 * @example
 * const nonce = createNonce() // 'q5Jc0m1b3aV9mJ0u6y1yJZ2x'
 * res.setHeader('Content-Security-Policy', policy.withNonce(nonce).toString())
 */
export function createNonce(scope: GlobalScope = globalScope): string {
  const bytes = scope.crypto!.getRandomValues(new Uint8Array(NONCE_BYTES))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

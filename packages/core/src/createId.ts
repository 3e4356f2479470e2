import { globalScope, type GlobalScope } from './scope'

/**
 * A random RFC 4122 version 4 id: `crypto.randomUUID` where it exists (secure contexts), else built from
 * `crypto.getRandomValues`. Never `Math.random`: ids must not collide across millions of clients. Where no
 * crypto exists at all (very old engines), a time-and-counter id is returned, unique within this page.
 *
 * @example
 * const eventId = createId() // '3b241101-e2bb-4255-8caf-4136c566a962'
 */
export function createId(scope: GlobalScope = globalScope): string {
  const crypto = scope.crypto
  try {
    if (crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
    if (crypto && typeof crypto.getRandomValues === 'function') {
      const bytes = crypto.getRandomValues(new Uint8Array(16))
      bytes[6] = (bytes[6]! & 0x0f) | 0x40
      bytes[8] = (bytes[8]! & 0x3f) | 0x80
      const hex = Array.from(bytes, (byte) => (byte + 0x100).toString(16).slice(1)).join('')
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    }
  } catch {
    // fall through to the crypto-less id
  }
  return `${Date.now().toString(16)}-${(++fallbackCounter).toString(16)}`
}

let fallbackCounter = 0

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
  const crypto = scope.crypto!
  try {
    // randomUUID exists in secure contexts only; elsewhere the same layout from getRandomValues: each 0 and 1 of
    // the template becomes a random hex digit, the 8 one of 8, 9, a, b (the variant), the 4 stays (the version).
    return (
      crypto.randomUUID?.() ??
      '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
        (+digit ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+digit / 4)))).toString(16),
      )
    )
  } catch {
    // no crypto at all: the time-and-counter id below
  }
  return `${Date.now().toString(16)}-${(++fallbackCounter).toString(16)}`
}

let fallbackCounter = 0

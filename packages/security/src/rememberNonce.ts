import type { GlobalScope } from '@marco/core'

/** Most nonces remembered at once; past it the oldest is forgotten first. */
export const MAX_SEEN_NONCES = 1_000

/**
 * Records `id` as seen until `until` (epoch ms) and says whether it is new. The set also lives in the tab's
 * `sessionStorage` under `key`, when the scope has one, so a reloaded page still refuses what it accepted
 * before; expired entries are pruned and at most {@link MAX_SEEN_NONCES} kept. Storage that is missing,
 * full, throws or holds garbage leaves the in-memory set working. Never throws.
 *
 * @example
 * if (!rememberNonce(seen, scope, 'marco-peer-auth:bob', `alice ${nonce}`, ts + 60_000, Date.now())) refuse('replayed')
 */
export function rememberNonce(
  seen: Map<string, number>,
  scope: GlobalScope,
  key: string,
  id: string,
  until: number,
  now: number,
): boolean {
  try {
    for (const [stored, storedUntil] of JSON.parse(scope.sessionStorage!.getItem(key)!))
      if (storedUntil >= now) seen.set(stored, storedUntil)
  } catch {
    // Nothing usable stored (none, unreadable, or not ours): the in-memory set stands.
  }
  for (const [entry, entryUntil] of seen) if (!(entryUntil >= now)) seen.delete(entry)
  if (seen.has(id)) return false
  seen.set(id, until)
  for (const entry of seen.keys()) if (seen.size > MAX_SEEN_NONCES) seen.delete(entry)
  try {
    scope.sessionStorage?.setItem(key, JSON.stringify([...seen]))
  } catch {
    // Full or disabled: this page still remembers.
  }
  return true
}

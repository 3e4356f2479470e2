/**
 * Whether a session is in the sample, decided deterministically from its id: every event of one session
 * shares the decision (a sampled-out session sends nothing, a sampled-in one sends everything), and the same
 * session id gives the same answer on every page load and in every tab. `salt` separates decisions (e.g.
 * crash reports sampled apart from analytics). The hash is FNV-1a (32 bits), spread evenly enough over
 * random ids for rates down to 0.1 %.
 *
 * @example
 * if (isSampled(sessionId, 0.1)) queue.push(event) // 10 % of sessions
 */
export function isSampled(sessionId: string, rate: number, salt = ''): boolean {
  if (!(rate > 0)) return false
  if (rate >= 1) return true
  const key = salt + sessionId
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  // Murmur3's finaliser: FNV alone leaves the high bits poorly mixed for ids that differ in their last chars.
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  return (hash >>> 0) / 0x100000000 < rate
}

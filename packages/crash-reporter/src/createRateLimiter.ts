/** The longest quiet period between two sends of the same error. */
const MAX_WINDOW_MS = 60_000
/**
 * Fingerprints remembered; past it the ones with nothing counted are forgotten (their quiet periods start over). The
 * ones with counts waiting stay until handed over, and the bound doubles past them (amortized O(1)).
 */
const MAX_KEYS = 200

/**
 * A rate limiter as {@link createRateLimiter} builds it: call it for each occurrence of an error; `take()` hands
 * over the occurrences it counted and did not send.
 *
 * @example
 * const limit: RateLimiter = createRateLimiter(1000, 30)
 */
export interface RateLimiter {
  (key: string, nowMs: number): number
  /**
   * The occurrences counted and not yet sent, per fingerprint (`[fingerprint, count]`, counts ≥ 1), each
   * forgotten as it is handed over: call it only when they go to the queue now.
   */
  take(): [string, number][]
}

/**
 * Answers, for one occurrence of an error: send it now (with how many occurrences it stands for), or only
 * count it. Per fingerprint, after a send the same error is counted, not sent, for a quiet period that
 * starts at `windowMs` and doubles with each send up to a minute, so an error thrown in a 60 fps loop sends
 * a handful of events. Overall, at most `perMinute` events go per minute. O(1) per call (amortized). What it
 * counted waits for the next send of the same error or for `take()` (on page hide): no occurrence is lost.
 *
 * @example
 * const limit = createRateLimiter(1000, 30)
 * limit('TypeError|x', 0) // 1: send, standing for one occurrence
 * limit('TypeError|x', 10) // 0: counted
 * limit.take() // [['TypeError|x', 1]]: the counted one, handed over
 * limit('TypeError|x', 1500) // 1: send, standing for itself
 */
/* @__NO_SIDE_EFFECTS__ */
export function createRateLimiter(windowMs: number, perMinute: number): RateLimiter {
  const seen = new Map<string, { until: number; window: number; count: number }>()
  let maxKeys = MAX_KEYS
  let minuteStart = -Infinity
  let sentThisMinute = 0
  const limit = (key: string, nowMs: number): number => {
    let entry = seen.get(key)
    if (!entry) {
      if (seen.size >= maxKeys) {
        for (const [known, { count }] of seen) if (!count) seen.delete(known)
        maxKeys = Math.max(MAX_KEYS, seen.size * 2)
      }
      seen.set(key, (entry = { until: -Infinity, window: windowMs, count: 0 }))
    }
    entry.count++
    if (nowMs < entry.until) return 0
    if (nowMs - minuteStart >= 60_000) {
      minuteStart = nowMs
      sentThisMinute = 0
    }
    if (sentThisMinute >= perMinute) return 0
    sentThisMinute++
    const count = entry.count
    entry.count = 0
    entry.until = nowMs + entry.window
    entry.window = Math.min(entry.window * 2, MAX_WINDOW_MS)
    return count
  }
  limit.take = (): [string, number][] => {
    const counts: [string, number][] = []
    for (const [key, entry] of seen) {
      if (entry.count) counts.push([key, entry.count])
      entry.count = 0
    }
    return counts
  }
  return limit
}

/** The longest quiet period between two sends of the same error. */
const MAX_WINDOW_MS = 60_000
/** Fingerprints remembered; past it the memory starts over (a page with 200 distinct errors is exotic). */
const MAX_KEYS = 200

/**
 * Answers, for one occurrence of an error: send it now (with how many occurrences it stands for), or only
 * count it. Per fingerprint, after a send the same error is counted, not sent, for a quiet period that
 * starts at `windowMs` and doubles with each send up to a minute, so an error thrown in a 60 fps loop sends
 * a handful of events. Overall, at most `perMinute` events go per minute. O(1) per call.
 *
 * @example
 * const limit = createRateLimiter(1000, 30)
 * limit('TypeError|x', 0) // 1: send, standing for one occurrence
 * limit('TypeError|x', 10) // 0: counted
 * limit('TypeError|x', 1500) // 2: send, standing for two occurrences
 */
/* @__NO_SIDE_EFFECTS__ */
export function createRateLimiter(windowMs: number, perMinute: number): (key: string, nowMs: number) => number {
  let seen = new Map<string, { until: number; window: number; count: number }>()
  let minuteStart = -Infinity
  let sentThisMinute = 0
  return (key, nowMs) => {
    let entry = seen.get(key)
    if (!entry) {
      if (seen.size >= MAX_KEYS) seen = new Map()
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
}

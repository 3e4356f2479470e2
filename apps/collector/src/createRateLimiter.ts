import type { Clock, RateLimit } from './types'

/** Client buckets kept; past it the fullest (idle) ones are forgotten. */
const MAX_CLIENTS = 10_000

export interface RateLimiter {
  /** Takes one request from the client's allowance: `0` when allowed, else the seconds to wait (≥ 1). */
  take(client: string): number
}

/**
 * A token bucket per client: `requests` per `windowMs`, refilled continuously, bursts up to `requests`.
 *
 * @example
 * const limiter = createRateLimiter({ requests: 100, windowMs: 1000 }, Date)
 * const wait = limiter.take(req.socket.remoteAddress) // 0, or Retry-After seconds
 */
export function createRateLimiter(limit: RateLimit, clock: Clock): RateLimiter {
  const perMs = limit.requests / limit.windowMs
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(client) {
      const now = clock.now()
      let bucket = buckets.get(client)
      if (!bucket) {
        if (buckets.size >= MAX_CLIENTS) prune(now)
        buckets.set(client, (bucket = { tokens: limit.requests, at: now }))
      } else {
        bucket.tokens = Math.min(limit.requests, bucket.tokens + (now - bucket.at) * perMs)
        bucket.at = now
      }
      if (bucket.tokens >= 1) {
        bucket.tokens--
        return 0
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000))
    },
  }

  function prune(now: number): void {
    for (const [client, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.at) * perMs >= limit.requests) buckets.delete(client)
    }
    // Everyone is active: forget the oldest half rather than grow without bound.
    if (buckets.size >= MAX_CLIENTS)
      for (const client of [...buckets.keys()].slice(0, MAX_CLIENTS / 2)) buckets.delete(client)
  }
}

/** Defaults of {@link nextRetryDelay}: 1 s doubling per attempt, at most 5 min. */
export const RETRY_BASE_MS = 1_000
export const RETRY_MAX_MS = 5 * 60_000

export interface RetryPolicy {
  /** The first attempt's ceiling; it doubles per attempt. Default 1 s. */
  readonly baseMs?: number
  /** No delay is ever longer, `Retry-After` included. Default 5 min. */
  readonly maxMs?: number
}

/**
 * The one retry policy of the SDK, a pure function: how long to wait before attempt `attempt + 1` after
 * `attempt` consecutive failures (1 for the first failure). The server's own wait (`Retry-After`) wins when
 * given; otherwise exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"), so many clients that failed together do not come back together. Always within `[0, maxMs]`.
 *
 * @example
 * const delay = nextRetryDelay(attempt, result.retryAfterMs, Math.random) // 0 … 1 s, then 0 … 2 s, …
 */
export function nextRetryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
  policy: RetryPolicy = {},
): number {
  const { baseMs = RETRY_BASE_MS, maxMs = RETRY_MAX_MS } = policy
  if (retryAfterMs! >= 0) return Math.min(maxMs, retryAfterMs!)
  // Clamped exponent: 2 ** 1024 is Infinity, and a NaN attempt counts as the first.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0) || 0, 30))
  const jitter = random()
  return ceiling * (jitter >= 0 && jitter < 1 ? jitter : 0.5)
}

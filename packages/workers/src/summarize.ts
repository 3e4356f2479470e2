/**
 * Count, mean, median, 95th percentile and maximum of a sample of timings, in ms (`WorkerPoolStats`' `taskMs` and
 * `lagMs`).
 */
export interface TimingSummary {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p95: number
  readonly max: number
}

/**
 * Summarizes a sample (nearest-rank percentiles); all zeros when it is empty.
 *
 * @example
 * summarize([1, 2, 3, 4]) // { count: 4, mean: 2.5, p50: 2, p95: 4, max: 4 }
 */
export function summarize(values: readonly number[]): TimingSummary {
  const sorted = [...values].sort((a, b) => a - b)
  const count = sorted.length
  const at = (q: number): number => sorted[Math.max(0, Math.ceil(q * count) - 1)] ?? 0
  return {
    count,
    mean: count ? sorted.reduce((sum, value) => sum + value, 0) / count : 0,
    p50: at(0.5),
    p95: at(0.95),
    max: at(1),
  }
}

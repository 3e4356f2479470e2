/**
 * Estimates the `q` quantile from a histogram (`hist[i]` counts values in `[bounds[i-1], bounds[i])`, the last
 * bucket open), interpolating inside the bucket; `min` and `max`, when known, close the outer buckets.
 *
 * @example
 * histogramPercentile([0, 8, 2], [10, 50], 0.95, { min: 12, max: 80 }) // 72.5
 */
export function histogramPercentile(
  hist: readonly unknown[],
  bounds: readonly number[],
  q: number,
  range: { min?: number; max?: number } = {},
): number | null {
  // Counts arrive from clients: anything but a finite non-negative number counts as an empty bucket.
  const counts = hist.map((count) => (typeof count === 'number' && Number.isFinite(count) && count > 0 ? count : 0))
  let total = 0
  for (const count of counts) total += count
  if (!total) return null
  const target = total * q
  let seen = 0
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!
    if (!count || seen + count < target) {
      seen += count
      continue
    }
    let low = i === 0 ? (range.min ?? 0) : bounds[i - 1]!
    let high = i < bounds.length ? bounds[i]! : (range.max ?? bounds[bounds.length - 1]! * 2)
    if (range.min !== undefined) low = Math.max(low, Math.min(range.min, high))
    if (range.max !== undefined) high = Math.min(high, Math.max(range.max, low))
    return low + ((target - seen) / count) * (high - low)
  }
  return range.max ?? null
}

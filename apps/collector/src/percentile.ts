/**
 * The `q` quantile (0–1) of values sorted ascending, interpolated between the two nearest ranks; `null` for
 * none.
 *
 * @example
 * percentile([10, 20, 30, 40], 0.75) // 32.5
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (!sorted.length) return null
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

/** The `q` quantile (0..1) of `values`, nearest-rank: with 100 samples, p99 is the second largest. */
export function quantile(values, q) {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
}

export const median = (values) => quantile(values, 0.5)

export const sum = (values) => values.reduce((total, value) => total + value, 0)

/** A streaming quantile sketch: constant memory, relative error bounded by `relativeAccuracy`. */
export interface QuantileSketch {
  /** Adds one value (NaN is ignored). O(1), allocates nothing. */
  add(value: number): void
  /**
   * The `q` quantile (0..1), nearest-rank: within `relativeAccuracy` of the exact value for values between
   * `minValue` and `maxValue`; `undefined` when empty.
   */
  quantile(q: number): number | undefined
  /**
   * How many of the values fall below each bound (`counts[i]`: at or above `bounds[i - 1]`, below `bounds[i]`; the last
   * is open).
   */
  histogram(bounds: readonly number[]): number[]
  readonly count: number
  readonly sum: number
  readonly min: number
  readonly max: number
  /** Bytes of the bucket array: fixed at creation, whatever the number of values. */
  readonly memoryBytes: number
  /** Forgets every value (keeps the memory). */
  reset(): void
}

export interface QuantileSketchOptions {
  /** The relative error bound α of every quantile. Default 0.01 (1 %). */
  relativeAccuracy?: number
  /** Values at or below it share one bucket (absolute error ≤ `minValue`). Default 0.001; at least 1e-9. */
  minValue?: number
  /** Values above it share one bucket (reported as the maximum seen). Default 10,000,000; at least `minValue`. */
  maxValue?: number
}

/**
 * A DDSketch-style log histogram (Masson et al., VLDB 2019): bucket `k` holds the values in
 * (γ^(k-1), γ^k] with γ = (1 + α) / (1 − α), and answers with 2γ^k / (γ + 1), which is within α of every
 * value in the bucket. With the defaults: 1,153 buckets in a 4.6 KB `Uint32Array`, for any number of values.
 *
 * @example
 * const sketch = createQuantileSketch({ relativeAccuracy: 0.01 })
 * for (const ms of latencies) sketch.add(ms)
 * sketch.quantile(0.95) // within 1 % of the exact p95
 */
/* @__NO_SIDE_EFFECTS__ */
export function createQuantileSketch(options: QuantileSketchOptions = {}): QuantileSketch {
  const { relativeAccuracy = 0.01 } = options
  // The bucket count comes from their logs: 0 (or less) as minValue would make it infinite.
  const minValue = Math.max(options.minValue ?? 1e-3, 1e-9)
  const maxValue = Math.max(options.maxValue ?? 1e7, minValue)
  const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
  const lnGamma = Math.log(gamma)
  const offset = Math.ceil(Math.log(minValue) / lnGamma)
  // Bucket 0: values ≤ minValue; bucket i: (γ^(k-1), γ^k] with k = i + offset - 1; the last: above maxValue.
  const size = Math.ceil(Math.log(maxValue) / lnGamma) - offset + 3
  const counts = new Uint32Array(size)
  let count = 0
  let sum = 0
  let min = Infinity
  let max = -Infinity
  const indexOf = (value: number): number =>
    value > minValue ? Math.min(size - 1, Math.ceil(Math.log(value) / lnGamma) - offset + 1) : 0
  // The value a bucket answers with, kept within what was seen (which only brings it closer).
  const bucketValue = (index: number): number =>
    Math.min(
      max,
      Math.max(min, index && index < size - 1 ? (2 * gamma ** (index + offset - 1)) / (gamma + 1) : index ? max : min),
    )
  return {
    add(value) {
      if (Number.isNaN(value)) return
      count++
      sum += value
      if (value < min) min = value
      if (value > max) max = value
      counts[indexOf(value)]!++
    },
    quantile(q) {
      if (!count) return undefined
      const rank = Math.max(0, Math.ceil(q * count) - 1)
      let seen = 0
      for (let i = 0; i < size; i++) if ((seen += counts[i]!) > rank) return bucketValue(i)
      return max
    },
    histogram(bounds) {
      const out = bounds.map(() => 0).concat(0)
      for (let i = 0; i < size; i++) {
        if (!counts[i]) continue
        const value = bucketValue(i)
        let b = 0
        while (b < bounds.length && value >= bounds[b]!) b++
        out[b]! += counts[i]!
      }
      return out
    },
    get count() {
      return count
    },
    get sum() {
      return sum
    },
    get min() {
      return min
    },
    get max() {
      return max
    },
    memoryBytes: counts.byteLength,
    reset() {
      counts.fill(0)
      count = sum = 0
      min = Infinity
      max = -Infinity
    },
  }
}

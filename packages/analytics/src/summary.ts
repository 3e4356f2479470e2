import { COLLAB_LATENCY_BOUNDS_MS } from '@marco/core'

/**
 * A running summary of one measure within one window: count, sum, min, max and a histogram over fixed
 * bucket bounds. Updating it allocates nothing.
 */
export interface HistogramSummary {
  count: number
  sum: number
  min: number
  max: number
  /** `hist[i]` counts values below `bounds[i]` and at or above `bounds[i - 1]`; the last bucket is open. */
  hist: number[]
}

/**
 * Bucket bounds of the histograms each summary of a `canvas_summary` carries (the last bucket holds everything above).
 * The collector reads its percentiles with these very arrays.
 *
 * @example
 * createSummary(BOUNDS.latencyMs)
 */
export const BOUNDS = {
  /** Canvas interaction durations, ms (powers of two). */
  durationMs: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
  /** Frames per second. */
  fps: [10, 20, 30, 40, 50, 55, 59, 61, 90, 120],
  /** JS heap, MB. */
  memoryMb: [16, 32, 64, 128, 256, 512, 1024, 2048],
  /** Collaboration latency, ms: `@marco/core`'s `COLLAB_LATENCY_BOUNDS_MS`, the one set every package uses. */
  latencyMs: COLLAB_LATENCY_BOUNDS_MS,
  /** Collaborators connected. */
  users: [1, 2, 3, 4, 6, 8, 12, 20, 50],
} as const

/**
 * An empty summary for a histogram over `bounds`.
 *
 * @example
 * const s = createSummary(BOUNDS.fps)
 */
export function createSummary(bounds: readonly number[]): HistogramSummary {
  return { count: 0, sum: 0, min: Infinity, max: -Infinity, hist: new Array<number>(bounds.length + 1).fill(0) }
}

/**
 * Adds one value.
 *
 * @example
 * addToSummary(summary, 16.7, BOUNDS.durationMs)
 */
export function addToSummary(summary: HistogramSummary, value: number, bounds: readonly number[]): void {
  summary.count++
  summary.sum += value
  if (value < summary.min) summary.min = value
  if (value > summary.max) summary.max = value
  let bucket = 0
  while (bucket < bounds.length && value >= bounds[bucket]!) bucket++
  summary.hist[bucket]!++
}

import { COLLAB_LATENCY_BOUNDS_MS } from '@marco/core'
import type { QuantileSketch } from './createQuantileSketch'
import { round } from './round'
import type { Percentiles } from './types'

/**
 * Collaboration latency histogram bounds, ms: `@marco/core`'s `COLLAB_LATENCY_BOUNDS_MS` under its earlier name, the
 * one set analytics and the collector use too.
 *
 * @example
 * toPercentiles(sketch, LATENCY_BOUNDS_MS)
 */
export { COLLAB_LATENCY_BOUNDS_MS as LATENCY_BOUNDS_MS }

/**
 * A sketch's p50 / p95 / p99, maximum, count and histogram over `bounds` (default `COLLAB_LATENCY_BOUNDS_MS`);
 * `undefined` when empty.
 *
 * @example
 * toPercentiles(latencySketch) // { count: 812, p50: 38.2, p95: 121, p99: 190, max: 240, hist: [0, 12, …] }
 */
export function toPercentiles(
  sketch: QuantileSketch,
  bounds: readonly number[] = COLLAB_LATENCY_BOUNDS_MS,
): Percentiles | undefined {
  return sketch.count
    ? {
        count: sketch.count,
        p50: round(sketch.quantile(0.5)!),
        p95: round(sketch.quantile(0.95)!),
        p99: round(sketch.quantile(0.99)!),
        max: round(sketch.max),
        hist: sketch.histogram(bounds),
      }
    : undefined
}

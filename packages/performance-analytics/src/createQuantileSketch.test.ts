import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createQuantileSketch } from './createQuantileSketch'

/** A seeded uniform [0, 1) generator (mulberry32), so every run checks the same values. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Nearest-rank quantile of sorted values: the definition the sketch follows. */
const exact = (sorted: Float64Array | number[], q: number): number =>
  sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!
const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]
// The bound is exact in real numbers; a value on a bucket edge may land one float step off.
const ALPHA = 0.01 * (1 + 1e-9)

describe('createQuantileSketch', () => {
  for (const [label, draw] of [
    ['log-uniform latencies from 0.01 ms to 100 s', (r: () => number) => 10 ** (-2 + 7 * r())],
    ['uniform 0–500 ms', (r: () => number) => 500 * r()],
    [
      'a long-tailed mix (exponential 40 ms, 1 % outliers up to 5 s)',
      (r: () => number) => (r() < 0.01 ? 5000 * r() : -40 * Math.log(1 - r())),
    ],
  ] as const) {
    it(`answers every quantile of 1,000,000 ${label} within 1 % of the exact value`, () => {
      const random = createRandom(7)
      const sketch = createQuantileSketch({ relativeAccuracy: 0.01 })
      const bytesBefore = sketch.memoryBytes
      const values = new Float64Array(1_000_000)
      for (let i = 0; i < values.length; i++) sketch.add((values[i] = draw(random)))
      values.sort()
      for (const q of QUANTILES) {
        const truth = exact(values, q)
        const estimate = sketch.quantile(q)!
        // Values at or below minValue (0.001) share a bucket: there the error is absolute, at most minValue.
        if (truth > 0.001)
          expect(Math.abs(estimate - truth) / truth, `q=${q}: ${estimate} vs ${truth}`).toBeLessThanOrEqual(ALPHA)
        else expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(0.001)
      }
      expect(sketch.count).toBe(1_000_000)
      expect(sketch.min).toBe(values[0])
      expect(sketch.max).toBe(values[values.length - 1])
      // Fixed memory: the bucket array neither grew nor was replaced.
      expect(sketch.memoryBytes).toBe(bytesBefore)
      expect(sketch.memoryBytes).toBeLessThan(5_000)
    })
  }

  it('keeps the bound for any values within its range (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.002, max: 9e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const sketch = createQuantileSketch()
          for (const value of values) sketch.add(value)
          const truth = exact(
            [...values].sort((a, b) => a - b),
            q,
          )
          return Math.abs(sketch.quantile(q)! - truth) / truth <= ALPHA
        },
      ),
    )
  })

  it('honours a coarser accuracy with fewer buckets', () => {
    const fine = createQuantileSketch({ relativeAccuracy: 0.01 })
    const coarse = createQuantileSketch({ relativeAccuracy: 0.05 })
    const random = createRandom(3)
    const values = Array.from({ length: 10_000 }, () => 1 + 999 * random())
    for (const value of values) coarse.add(value)
    values.sort((a, b) => a - b)
    for (const q of QUANTILES)
      expect(Math.abs(coarse.quantile(q)! - exact(values, q)) / exact(values, q)).toBeLessThanOrEqual(0.05 * (1 + 1e-9))
    expect(coarse.memoryBytes).toBeLessThan(fine.memoryBytes / 4)
  })

  it('is empty before the first value and after reset, and ignores NaN', () => {
    const sketch = createQuantileSketch()
    expect(sketch.quantile(0.5)).toBeUndefined()
    sketch.add(Number.NaN)
    expect(sketch.count).toBe(0)
    sketch.add(12)
    expect(sketch.quantile(0.5)).toBe(12)
    sketch.reset()
    expect(sketch.count).toBe(0)
    expect(sketch.quantile(0.99)).toBeUndefined()
  })

  it('counts values into histogram buckets that add up to the count', () => {
    const sketch = createQuantileSketch()
    for (const value of [1, 9, 10.5, 30, 30, 99, 150, 151, 2000]) sketch.add(value)
    // Bounds 10, 100, 1000: below 10, [10, 100), [100, 1000), 1000 and up.
    expect(sketch.histogram([10, 100, 1000])).toEqual([2, 4, 2, 1])
  })

  it('reports values beyond maxValue as the largest seen and zeros as the smallest', () => {
    const sketch = createQuantileSketch({ maxValue: 1000 })
    sketch.add(0)
    sketch.add(5e6)
    expect(sketch.quantile(0)).toBe(0)
    expect(sketch.quantile(1)).toBe(5e6)
  })
})

describe('quantile sketch options', () => {
  it('createQuantileSketch({ minValue: 0 }) does not throw and answers within the data', () => {
    expect(() => createQuantileSketch({ minValue: 0 })).not.toThrow()
    const sketch = createQuantileSketch({ minValue: 0 })
    for (const value of [0, 2, 4, 8, 16]) sketch.add(value)
    expect(sketch.quantile(0)).toBe(0)
    // Within 1 % of the exact nearest-rank value.
    expect(Math.abs(sketch.quantile(0.5)! - 4)).toBeLessThanOrEqual(0.04)
    expect(Math.abs(sketch.quantile(1)! - 16)).toBeLessThanOrEqual(0.16)
  })
})

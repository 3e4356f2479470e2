import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createAggregator, MAX_KEYS_PER_WINDOW } from './createAggregator'
import { addToSummary, BOUNDS, createSummary } from './summary'

/** The reference: a plain computation over the whole list, written apart from the streaming code. */
function reference(values: number[], bounds: readonly number[]) {
  const hist = bounds.map((bound, i) => values.filter((v) => v < bound && (i === 0 || v >= bounds[i - 1]!)).length)
  hist.push(values.filter((v) => v >= bounds[bounds.length - 1]!).length)
  return {
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    hist,
  }
}

describe('addToSummary', () => {
  it('matches a plain computation over random inputs, for every bucket scheme', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(BOUNDS)),
        fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 500 }),
        (bounds, values) => {
          const summary = createSummary(bounds)
          for (const value of values) addToSummary(summary, value, bounds)
          const expected = reference(values, bounds)
          expect(summary.count).toBe(expected.count)
          expect(summary.sum).toBeCloseTo(expected.sum, 6)
          expect(summary.min).toBe(expected.min)
          expect(summary.max).toBe(expected.max)
          expect(summary.hist).toEqual(expected.hist)
        },
      ),
    )
  })

  it('puts a value equal to a bound in the bucket above it', () => {
    const summary = createSummary([10, 20])
    for (const value of [9.99, 10, 19.99, 20, 1_000]) addToSummary(summary, value, [10, 20])
    expect(summary.hist).toEqual([1, 2, 2])
  })
})

describe('createAggregator', () => {
  it('summarises each canvas action and gesture of a window, then starts a new window', () => {
    const aggregator = createAggregator(1_000)
    for (const duration of [5, 10, 300]) aggregator.canvas('draw', duration)
    aggregator.canvas('erase', 2)
    aggregator.gesture('pan', true)
    aggregator.gesture('pan', false)
    aggregator.gesture('tap', true)
    aggregator.collaboration(3, 42)
    aggregator.performance(60, 128)
    aggregator.reject('unknown_gesture')
    const summary = aggregator.take(11_000) as Record<string, any>
    expect(summary.windowStart).toBe(1_000)
    expect(summary.windowMs).toBe(10_000)
    expect(summary.canvas.draw).toEqual({
      count: 3,
      sum: 315,
      min: 5,
      max: 300,
      hist: reference([5, 10, 300], BOUNDS.durationMs).hist,
    })
    expect(summary.canvas.erase.count).toBe(1)
    expect(summary.gestures).toEqual({ pan: { count: 2, success: 1 }, tap: { count: 1, success: 1 } })
    expect(summary.collaboration.users.max).toBe(3)
    expect(summary.collaboration.latencyMs.sum).toBe(42)
    expect(summary.performance.fps.min).toBe(60)
    expect(summary.performance.memoryMb.max).toBe(128)
    expect(summary.rejected).toEqual({ unknown_gesture: 1 })
    expect(aggregator.take(12_000)).toBeUndefined()
    aggregator.canvas('draw', 1)
    expect((aggregator.take(13_000) as Record<string, any>).windowStart).toBe(12_000)
  })

  it('keeps at most MAX_KEYS_PER_WINDOW distinct actions and counts the rest', () => {
    const aggregator = createAggregator(0)
    for (let i = 0; i < MAX_KEYS_PER_WINDOW + 5; i++) aggregator.canvas(`action-${i}`, 1)
    const summary = aggregator.take(1) as Record<string, any>
    expect(Object.keys(summary.canvas)).toHaveLength(MAX_KEYS_PER_WINDOW)
    expect(summary.rejected).toEqual({ too_many_keys: 5 })
  })

  it('sends one summary per window however many calls there were', () => {
    const aggregator = createAggregator(0)
    for (let i = 0; i < 100_000; i++) aggregator.canvas('draw', i % 50)
    const summary = aggregator.take(1_000) as Record<string, any>
    expect(summary.canvas.draw.count).toBe(100_000)
    expect(summary.canvas.draw.hist.reduce((a: number, b: number) => a + b, 0)).toBe(100_000)
  })
})

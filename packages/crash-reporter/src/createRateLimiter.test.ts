import { describe, expect, it } from 'vitest'
import { createRateLimiter } from './createRateLimiter'

describe('createRateLimiter', () => {
  it('counts the same error repeating within the window instead of sending it', () => {
    const limit = createRateLimiter(1000, 30)
    expect(limit('a', 0)).toBe(1)
    expect(limit('a', 10)).toBe(0)
    expect(limit('a', 999)).toBe(0)
    // The next send stands for the two it held back and itself.
    expect(limit('a', 1000)).toBe(3)
    expect(limit('b', 1000)).toBe(1)
  })

  it('sends a handful of events for an error thrown every frame at 60 fps for 10,000 frames, each standing for the repeats before it', () => {
    const limit = createRateLimiter(1000, 30)
    const sends: number[] = []
    for (let frame = 0; frame < 10_000; frame++) {
      const count = limit('loop', (frame * 1000) / 60)
      if (count) sends.push(count)
    }
    expect(sends.length).toBeGreaterThan(2)
    expect(sends.length).toBeLessThanOrEqual(10)
    expect(sends.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000)
    // Only the repeats of the last quiet period (at most a minute, 3,600 frames) wait for a next occurrence.
    expect(sends.reduce((a, b) => a + b, 0)).toBeGreaterThan(10_000 - 3_600)
  })

  it('sends at most the overall limit per minute over all fingerprints', () => {
    const limit = createRateLimiter(1000, 5)
    const sent = Array.from({ length: 20 }, (_, i) => limit(`e${i}`, i)).filter(Boolean)
    expect(sent).toHaveLength(5)
    expect(limit('late', 60_100)).toBe(1)
  })
})

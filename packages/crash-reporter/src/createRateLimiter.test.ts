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

  it('hands over what it counted and did not send, once, and counts on from zero', () => {
    const limit = createRateLimiter(1000, 30)
    limit('a', 0)
    for (let i = 0; i < 9_999; i++) limit('a', 1)
    limit('b', 2)
    limit('b', 3)
    expect(limit.take()).toEqual([
      ['a', 9_999],
      ['b', 1],
    ])
    expect(limit.take()).toEqual([])
    // Still within the quiet period: counted, not sent; the next send stands only for what came after the take.
    expect(limit('a', 500)).toBe(0)
    expect(limit('a', 1000)).toBe(2)
    expect(limit.take()).toEqual([])
  })

  it('keeps every count waiting when more distinct errors wait than it remembers, and still forgets the quiet ones', () => {
    const limit = createRateLimiter(1000, 10)
    for (let i = 0; i < 1_000; i++) limit(`e${i}`, i)
    const counts = limit.take()
    // Ten were sent; the 990 over the per-minute limit wait, none lost.
    expect(counts).toHaveLength(990)
    expect(counts.every(([, count]) => count === 1)).toBe(true)
    // Taken, they are quiet: the next new error makes room by forgetting them, and is sent in the next minute.
    expect(limit('new', 60_000)).toBe(1)
    expect(limit('e5', 60_001)).toBe(1)
  })
})

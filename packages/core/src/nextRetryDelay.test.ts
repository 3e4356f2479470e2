import { describe, expect, it } from 'vitest'
import { nextRetryDelay, RETRY_MAX_MS } from './nextRetryDelay'

describe('nextRetryDelay', () => {
  it('doubles the ceiling per attempt, with full jitter below it', () => {
    expect([1, 2, 3, 4].map((attempt) => nextRetryDelay(attempt, undefined, () => 0.999_999))).toEqual([
      999.999, 1999.998, 3999.996, 7999.992,
    ])
    expect(nextRetryDelay(3, undefined, () => 0)).toBe(0)
    expect(nextRetryDelay(1, undefined, () => 0.5, { baseMs: 200 })).toBe(100)
  })

  it('never passes maxMs, however many attempts', () => {
    for (const attempt of [20, 1_000, Number.MAX_SAFE_INTEGER, Infinity]) {
      expect(nextRetryDelay(attempt, undefined, () => 0.999)).toBeLessThanOrEqual(RETRY_MAX_MS)
    }
    expect(nextRetryDelay(40, undefined, () => 0.5, { maxMs: 30_000 })).toBe(15_000)
  })

  it("takes the server's Retry-After over the backoff, capped at maxMs", () => {
    expect(nextRetryDelay(1, 2_000, () => 0.9)).toBe(2_000)
    expect(nextRetryDelay(9, 0, () => 0.9)).toBe(0)
    expect(nextRetryDelay(1, 24 * 3_600_000, () => 0.9)).toBe(RETRY_MAX_MS)
  })

  it('stays a finite delay for nonsense input (NaN attempt, negative Retry-After, a random out of range)', () => {
    expect(nextRetryDelay(Number.NaN, undefined, () => 0.5)).toBe(500)
    expect(nextRetryDelay(-3, -5, () => 0.5)).toBe(500)
    expect(nextRetryDelay(1, Number.NaN, () => 7)).toBe(500)
    expect(nextRetryDelay(1, undefined, () => Number.NaN)).toBe(500)
  })
})

import { describe, expect, it } from 'vitest'
import { createId } from './createId'
import { isSampled } from './isSampled'

describe('isSampled', () => {
  it('gives one session the same answer every time', () => {
    const id = createId()
    const first = isSampled(id, 0.5)
    for (let i = 0; i < 100; i++) expect(isSampled(id, 0.5)).toBe(first)
  })

  it('keeps about the configured share of random sessions', () => {
    const ids = Array.from({ length: 20_000 }, () => createId())
    for (const rate of [0.01, 0.1, 0.5]) {
      const kept = ids.filter((id) => isSampled(id, rate)).length / ids.length
      // 20,000 draws: five standard deviations of a binomial share, so a correct hash never fails this.
      expect(Math.abs(kept - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / ids.length))
    }
  })

  it('keeps everything at 1, nothing at 0, and treats NaN or negative rates as 0', () => {
    expect(isSampled('s', 1)).toBe(true)
    expect(isSampled('s', 0)).toBe(false)
    expect(isSampled('s', Number.NaN)).toBe(false)
    expect(isSampled('s', -1)).toBe(false)
  })

  it('decides independently per salt', () => {
    const ids = Array.from({ length: 2_000 }, () => createId())
    const differ = ids.filter((id) => isSampled(id, 0.5, 'crash') !== isSampled(id, 0.5, 'analytics')).length
    expect(differ).toBeGreaterThan(800)
    expect(differ).toBeLessThan(1200)
  })
})

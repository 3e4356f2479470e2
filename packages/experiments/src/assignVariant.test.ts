import { describe, expect, it } from 'vitest'
import { assignVariant } from './assignVariant'
import type { ExperimentDefinition } from './types'

const IDS = Array.from({ length: 100_000 }, (_, i) => `anon-${i}`)

/** Pearson's chi-square of observed counts against expected shares. */
function chiSquare(observed: number[], shares: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0)
  return observed.reduce((sum, count, i) => sum + (count - total * shares[i]!) ** 2 / (total * shares[i]!), 0)
}

/** Critical values of the chi-square distribution at p = 0.001, by degrees of freedom. */
const CRITICAL_001 = { 1: 10.83, 3: 16.27, 9: 27.88 } as const

function counts(definition: ExperimentDefinition, ids = IDS): Map<string | undefined, number> {
  const tally = new Map<string | undefined, number>()
  for (const id of ids) {
    const variant = assignVariant(definition, id)
    tally.set(variant, (tally.get(variant) ?? 0) + 1)
  }
  return tally
}

describe('assignVariant', () => {
  it('spreads 100,000 ids uniformly over four equal variants (chi-square, df 3, p > 0.001)', () => {
    const variants = ['a', 'b', 'c', 'd'] as const
    const tally = counts({ key: 'renderer', variants })
    const chi = chiSquare(
      variants.map((v) => tally.get(v) ?? 0),
      [0.25, 0.25, 0.25, 0.25],
    )
    expect(chi).toBeLessThan(CRITICAL_001[3])
  })

  it('assigns two experiments independently: the 4 × 4 table of the same ids passes a chi-square test (df 9)', () => {
    const variants = ['a', 'b', 'c', 'd']
    const table = Array.from({ length: 16 }, () => 0)
    for (const id of IDS) {
      const first = variants.indexOf(assignVariant({ key: 'renderer', variants }, id)!)
      const second = variants.indexOf(assignVariant({ key: 'smoothing', variants }, id)!)
      table[first * 4 + second]!++
    }
    expect(
      chiSquare(
        table,
        table.map(() => 1 / 16),
      ),
    ).toBeLessThan(CRITICAL_001[9])
  })

  it('gives a different split when the seed changes (a reshuffle), and the same one for the same seed', () => {
    const a = IDS.slice(0, 2_000).map((id) => assignVariant({ key: 'k', variants: ['x', 'y'], seed: 's1' }, id))
    const b = IDS.slice(0, 2_000).map((id) => assignVariant({ key: 'k', variants: ['x', 'y'], seed: 's2' }, id))
    const again = IDS.slice(0, 2_000).map((id) => assignVariant({ key: 'k', variants: ['x', 'y'], seed: 's1' }, id))
    expect(again).toEqual(a)
    const same = a.filter((variant, i) => variant === b[i]).length
    expect(same).toBeGreaterThan(900)
    expect(same).toBeLessThan(1_100)
  })

  it('respects weights 1:3 and a 40 % traffic allocation', () => {
    const tally = counts({ key: 'gesture', variants: ['old', 'new'], weights: [1, 3], coverage: 0.4 })
    const observed = [tally.get(undefined) ?? 0, tally.get('old') ?? 0, tally.get('new') ?? 0]
    expect(chiSquare(observed, [0.6, 0.1, 0.3])).toBeLessThan(13.82) // df 2 at p = 0.001
  })

  it('never puts one id into two experiments of one namespace with disjoint ranges', () => {
    const namespace = (start: number, end: number) => ({ name: 'canvas', start, end })
    const left: ExperimentDefinition = { key: 'renderer', variants: ['a', 'b'], namespace: namespace(0, 0.5) }
    const right: ExperimentDefinition = { key: 'smoothing', variants: ['a', 'b'], namespace: namespace(0.5, 1) }
    let both = 0
    let inLeft = 0
    let inRight = 0
    for (const id of IDS) {
      const l = assignVariant(left, id) !== undefined
      const r = assignVariant(right, id) !== undefined
      if (l && r) both++
      inLeft += +l
      inRight += +r
    }
    expect(both).toBe(0)
    expect(chiSquare([inLeft, inRight], [0.5, 0.5])).toBeLessThan(CRITICAL_001[1])
  })

  it('puts a zero-weight variant on nobody', () => {
    const tally = counts({ key: 'k', variants: ['a', 'b', 'c'], weights: [1, 0, 1] }, IDS.slice(0, 10_000))
    expect(tally.get('b')).toBeUndefined()
    expect((tally.get('a') ?? 0) + (tally.get('c') ?? 0)).toBe(10_000)
  })
})

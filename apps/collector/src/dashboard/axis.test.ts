import { describe, expect, it } from 'vitest'
import { axisTicks, niceScale } from './axis.js'

const labels = (max: number, integer = false) => axisTicks(niceScale(max, 4, integer)).map((tick) => tick.label)

describe('dashboard axes', () => {
  it('labels a count axis in whole numbers, each once (a quiet second drew 0, 0, 1, 1, 1 before)', () => {
    expect(labels(1, true)).toEqual(['0', '1'])
    expect(labels(0, true)).toEqual(['0', '1'])
    expect(labels(3, true)).toEqual(['0', '1', '2', '3'])
    expect(labels(7, true)).toEqual(['0', '2', '4', '6', '8'])
    expect(labels(12_345, true)).toEqual(['0', '5,000', '10,000', '15,000'])
  })

  it('gives a fractional step as many decimals as it has, so no two labels read the same', () => {
    expect(labels(1)).toEqual(['0.00', '0.25', '0.50', '0.75', '1.00'])
    expect(labels(9)).toEqual(['0.0', '2.5', '5.0', '7.5', '10.0'])
    expect(labels(0.03)).toEqual(['0.00', '0.01', '0.02', '0.03'])
    for (const max of [0.7, 1, 3, 11, 99, 1234, 0.004]) {
      const ticks = labels(max)
      expect(new Set(ticks).size).toBe(ticks.length)
    }
  })

  it('always reaches the data: the last tick is at or above the maximum', () => {
    for (const max of [0.3, 1, 1.01, 9.99, 10, 37, 250, 1001]) {
      const scale = niceScale(max)
      expect(scale.max).toBeGreaterThanOrEqual(max)
      expect(axisTicks(scale).at(-1)!.value).toBeCloseTo(scale.max)
    }
  })
})

import { describe, expect, it } from 'vitest'
import { histogramPercentile } from './histogramPercentile'
import { percentile } from './percentile'

describe('histogramPercentile', () => {
  it('interpolates inside the bucket holding the quantile, closed by min and max', () => {
    expect(histogramPercentile([0, 8, 2], [10, 50], 0.95, { min: 12, max: 80 })).toBe(72.5)
    expect(histogramPercentile([10], [], 0.5, { min: 0, max: 100 })).toBe(50)
    expect(histogramPercentile([0, 0], [10], 0.5)).toBeNull()
  })
})

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([10, 20, 30, 40], 0.75)).toBe(32.5)
    expect(percentile([5], 0.95)).toBe(5)
    expect(percentile([], 0.5)).toBeNull()
  })
})

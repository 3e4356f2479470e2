import { serialize } from '@marco/core'
import { deliver } from './deliver'
import type { ReporterState } from './ReporterState'
import type { PerformanceMetric } from './types'

/**
 * Reports a breached performance budget as a `performance_issue` event with its metric and attribution
 * (rate-limited per metric name).
 *
 * @example
 * reportPerformanceIssue(state, { name: 'long-frame', value: 180, threshold: 50, unit: 'ms' })
 */
export function reportPerformanceIssue(state: ReporterState, metric: PerformanceMetric): void {
  const { value, threshold, unit, attribution } = metric
  const name = metric.name ?? metric.metric ?? 'unknown'
  deliver(state, 'performance_issue', `perf|${name}`, () => ({
    level: 'warning',
    metric: { name, value, threshold, unit },
    attribution: attribution && serialize(attribution, { maxBytes: 8192 }),
  }))
}

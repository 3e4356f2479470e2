import { onCLS, onFCP, onINP, onLCP, onTTFB, type MetricWithAttribution } from 'web-vitals/attribution'
import type { Monitor } from '@marco/core'
import { toWebVital, type WebVital } from './toWebVital'

/**
 * Starts web-vitals (attribution build) for LCP, INP, CLS, FCP and TTFB, hearing every change
 * (`reportAllChanges`) and soft navigations where the browser reports them (`reportSoftNavs`); web-vitals
 * itself starts new metric instances after a back/forward-cache restore. Needs a `document`. web-vitals has
 * no way to stop observing: call it once per page.
 *
 * @example
 * startWebVitals(monitor, (vital) => latest[vital.name] = vital)
 */
export function startWebVitals(monitor: Monitor, onVital: (vital: WebVital) => void): void {
  const report = monitor.wrap((metric: MetricWithAttribution) => onVital(toWebVital(metric)))
  for (const on of [onCLS, onFCP, onINP, onLCP, onTTFB])
    monitor.call(() => on(report, { reportAllChanges: true, reportSoftNavs: true }))
}

import type { INPAttribution, MetricWithAttribution } from 'web-vitals/attribution'
import { round } from './round'

/** A Core Web Vital as it is reported and sent. */
export interface WebVital {
  readonly name: 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB'
  /** ms, except CLS (unitless). */
  readonly value: number
  readonly rating: 'good' | 'needs-improvement' | 'poor'
  /** Change since the previous report of the same `id`. */
  readonly delta: number
  /** One per metric instance: a back/forward-cache restore or an SPA (soft) navigation starts a new one. */
  readonly id: string
  readonly navigationType: string
  /**
   * web-vitals' attribution, its strings and numbers only: INP `interactionTarget`, `interactionType`,
   * `inputDelay`, `processingDuration`, `presentationDelay` (and `longestScript`); LCP `target`, `url`,
   * `timeToFirstByte`, `resourceLoadDelay`, `resourceLoadDuration`, `elementRenderDelay`; CLS
   * `largestShiftTarget`, `largestShiftValue`; FCP and TTFB their sub-parts.
   */
  readonly attribution: Record<string, unknown>
}

/**
 * Turns a web-vitals metric with attribution into plain data: DOM nodes and performance entries are left
 * out, INP's longest script is summarised.
 *
 * @example
 * onINP((metric) => send(toWebVital(metric)))
 */
export function toWebVital(metric: MetricWithAttribution): WebVital {
  const attribution: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(metric.attribution))
    if (typeof value === 'string' || typeof value === 'number') attribution[key] = value
  const script = (metric.attribution as Partial<INPAttribution>).longestScript
  if (script) {
    const { invoker, sourceURL, sourceFunctionName } = script.entry
    attribution.longestScript = {
      subpart: script.subpart,
      durationMs: round(script.intersectingDuration),
      invoker,
      sourceURL,
      sourceFunctionName,
    }
  }
  const { name, value, rating, delta, id, navigationType } = metric
  return { name, value, rating, delta, id, navigationType, attribution }
}

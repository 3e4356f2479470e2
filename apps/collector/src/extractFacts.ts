import { BOUNDS } from '@marco/analytics'
import type { WebVital } from '@marco/performance-analytics'
import { CLSThresholds, FCPThresholds, INPThresholds, LCPThresholds, TTFBThresholds } from 'web-vitals'
import { histogramPercentile } from './histogramPercentile'
import type { Received, SdkPayloads } from './types'

/** One numeric reading for the dashboard and alert rules. */
export interface Sample {
  metric: string
  value: number
  rating: string | null
}

/** A crash event reduced to its group. */
export interface ErrorGroup {
  fingerprint: string
  kind: string
  type: string
  message: string
  count: number
}

/** The facts of one event the collector keeps indexed besides the raw payload. */
export interface Facts {
  samples: Sample[]
  error?: ErrorGroup
}

/**
 * Web Vitals thresholds as `web-vitals` exports them (the library the SDK measures with): good up to the first,
 * poor above the second.
 */
export const VITAL_THRESHOLDS: Readonly<Record<WebVital['name'], readonly number[]>> = {
  LCP: LCPThresholds,
  INP: INPThresholds,
  CLS: CLSThresholds,
  FCP: FCPThresholds,
  TTFB: TTFBThresholds,
}

/** An event's payload as its package types it, every part optional (see `Received`). */
type Payload<T extends keyof SdkPayloads> = Received<SdkPayloads[T]>

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)
const text = (value: unknown, max = 500): string => (typeof value === 'string' ? value.slice(0, max) : '')

/**
 * Reads what the dashboard and the alert rules need out of one event: Web Vitals, frame rates and
 * collaboration latency percentiles as samples; crash events as an error group (exceptions also as an
 * `exceptions` sample weighted by their `count`). Lenient: a field of an unexpected shape is skipped, never an
 * error (the raw payload is stored whatever it holds).
 *
 * @example
 * extractFacts('web_vital', { name: 'INP', value: 320, rating: 'needs-improvement' })
 * // { samples: [{ metric: 'vital.INP', value: 320, rating: 'needs-improvement' }] }
 */
export function extractFacts(type: string, payload: Record<string, unknown>): Facts {
  const samples: Sample[] = []
  const add = (metric: string, value: unknown, rating: string | null = null) => {
    if (finite(value)) samples.push({ metric, value, rating })
  }
  switch (type) {
    case 'web_vital': {
      const vital = payload as Payload<'web_vital'>
      const name = text(vital.name, 20)
      const thresholds = Object.hasOwn(VITAL_THRESHOLDS, name) ? VITAL_THRESHOLDS[name as WebVital['name']] : undefined
      if (thresholds && finite(vital.value)) {
        const rating = RATINGS.includes(vital.rating as string) ? vital.rating! : rate(vital.value, thresholds)
        add(`vital.${name}`, vital.value, rating)
      }
      break
    }
    case 'perf_summary': {
      const summary = payload as Payload<'perf_summary'>
      add('fps', summary.frames?.fps)
      const latency = summary.collab?.latency
      if (latency) for (const q of ['p50', 'p95', 'p99'] as const) add(`collab.${q}`, latency[q])
      break
    }
    case 'canvas_summary': {
      const summary = payload as Payload<'canvas_summary'>
      const fps = summary.performance?.fps
      if (fps && finite(fps.sum) && finite(fps.count) && fps.count > 0) add('fps', fps.sum / fps.count)
      const latency = summary.collaboration?.latencyMs
      // A histogram over other bounds (an SDK from before the one latency bucket set) cannot be read with these.
      if (latency && Array.isArray(latency.hist) && latency.hist.length === BOUNDS.latencyMs.length + 1) {
        const range = {
          min: finite(latency.min) ? latency.min : undefined,
          max: finite(latency.max) ? latency.max : undefined,
        }
        for (const [q, name] of [
          [0.5, 'p50'],
          [0.95, 'p95'],
          [0.99, 'p99'],
        ] as const) {
          add(`collab.${name}`, histogramPercentile(latency.hist, BOUNDS.latencyMs, q, range))
        }
      }
      break
    }
    case 'budget_breach': {
      const breach = payload as Payload<'budget_breach'>
      add(`breach.${text(breach.metric, 50)}`, breach.value)
      break
    }
  }
  const error = toErrorGroup(type, payload)
  // The error-rate rule sums these in SQL: it never reads a stored payload back.
  if (error && type === 'exception') add('exceptions', error.count)
  return { samples, error }
}

/** A number or string as text; anything else (an object whose `toString` is not a function, say) as `?`. */
function scalar(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? value.slice(0, 100) : '?'
}

const RATINGS: readonly string[] = ['good', 'needs-improvement', 'poor'] satisfies readonly WebVital['rating'][]

function rate(value: number, [good = 0, poor = 0]: readonly number[]): string {
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor'
}

function toErrorGroup(kind: string, payload: Record<string, unknown>): ErrorGroup | undefined {
  const received = payload as Payload<'exception'> & { readonly fingerprint?: string }
  const count = finite(received.count) && received.count >= 1 ? Math.floor(received.count) : 1
  let type: string
  let message: string
  switch (kind) {
    case 'exception': {
      const exception = payload as Payload<'exception'> & Payload<'message'>
      const first = Array.isArray(exception.exceptions) ? exception.exceptions[0] : undefined
      type = text(first?.type, 200) || 'Error'
      message = text(first?.message) || text(exception.message)
      break
    }
    case 'message': {
      const logged = payload as Payload<'message'>
      type = `message:${text(logged.level, 20) || 'info'}`
      message = text(logged.message)
      break
    }
    case 'csp_violation': {
      const violation = payload as Payload<'csp_violation'>
      type = 'csp'
      message = `${text(violation.directive, 100) || '?'} blocked ${text(violation.blockedUri) || '?'}`
      break
    }
    case 'performance_issue': {
      const metric = (payload as Payload<'performance_issue'>).metric
      type = 'performance'
      message = `${text(metric?.name, 100)} ${scalar(metric?.value)} over ${scalar(metric?.threshold)}`
      break
    }
    default:
      return undefined
  }
  const fingerprint = text(received.fingerprint, 1000) || `${kind}|${type}|${message.replace(/\d+/g, '#')}`
  return { fingerprint, kind, type, message, count }
}

import { histogramPercentile } from './histogramPercentile'

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

/** Web Vitals thresholds (web.dev): good up to the first, poor above the second. */
export const VITAL_THRESHOLDS: Record<string, readonly [number, number]> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
}

/** `@marco/analytics` collaboration latency histogram bounds (its `BOUNDS.latencyMs`). */
const ANALYTICS_LATENCY_BOUNDS_MS = [10, 25, 50, 75, 100, 150, 200, 300, 500, 1000]

type Loose = Record<string, any>

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
export function extractFacts(type: string, payload: Loose): Facts {
  const samples: Sample[] = []
  const add = (metric: string, value: unknown, rating: string | null = null) => {
    if (finite(value)) samples.push({ metric, value, rating })
  }
  switch (type) {
    case 'web_vital': {
      const name = text(payload.name, 20)
      const thresholds = Object.hasOwn(VITAL_THRESHOLDS, name) ? VITAL_THRESHOLDS[name] : undefined
      if (thresholds && finite(payload.value)) {
        const rating = ['good', 'needs-improvement', 'poor'].includes(payload.rating)
          ? payload.rating
          : rate(payload.value, thresholds)
        add(`vital.${name}`, payload.value, rating)
      }
      break
    }
    case 'perf_summary': {
      add('fps', payload.frames?.fps)
      const latency = payload.collab?.latency
      if (latency) for (const q of ['p50', 'p95', 'p99']) add(`collab.${q}`, latency[q])
      break
    }
    case 'canvas_summary': {
      const fps = payload.performance?.fps
      if (fps && finite(fps.sum) && finite(fps.count) && fps.count > 0) add('fps', fps.sum / fps.count)
      const latency = payload.collaboration?.latencyMs
      if (latency && Array.isArray(latency.hist)) {
        const range = {
          min: finite(latency.min) ? latency.min : undefined,
          max: finite(latency.max) ? latency.max : undefined,
        }
        for (const [q, name] of [
          [0.5, 'p50'],
          [0.95, 'p95'],
          [0.99, 'p99'],
        ] as const) {
          add(`collab.${name}`, histogramPercentile(latency.hist, ANALYTICS_LATENCY_BOUNDS_MS, q, range))
        }
      }
      break
    }
    case 'budget_breach':
      add(`breach.${text(payload.metric, 50)}`, payload.value)
      break
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

function rate(value: number, [good, poor]: readonly [number, number]): string {
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor'
}

function toErrorGroup(kind: string, payload: Loose): ErrorGroup | undefined {
  const count = finite(payload.count) && payload.count >= 1 ? Math.floor(payload.count) : 1
  let type: string
  let message: string
  switch (kind) {
    case 'exception': {
      const first = Array.isArray(payload.exceptions) ? payload.exceptions[0] : undefined
      type = text(first?.type, 200) || 'Error'
      message = text(first?.message) || text(payload.message)
      break
    }
    case 'message':
      type = `message:${text(payload.level, 20) || 'info'}`
      message = text(payload.message)
      break
    case 'csp_violation':
      type = 'csp'
      message = `${text(payload.directive, 100) || '?'} blocked ${text(payload.blockedUri) || '?'}`
      break
    case 'performance_issue':
      type = 'performance'
      message = `${text(payload.metric?.name, 100)} ${scalar(payload.metric?.value)} over ${scalar(payload.metric?.threshold)}`
      break
    default:
      return undefined
  }
  const fingerprint = text(payload.fingerprint, 1000) || `${kind}|${type}|${message.replace(/\d+/g, '#')}`
  return { fingerprint, kind, type, message, count }
}

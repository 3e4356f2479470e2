import { COLLAB_LATENCY_BOUNDS_MS, type WireBatch, type WireEvent } from '@marco/core'
import { FRAME_BOUNDS_MS } from './createFrameStats'
import type { PerformancePayloads, ResourceTotal } from './types'

/** An event's payload as its producer typed it (events come from this SDK's own queue). */
type Payload<T extends keyof PerformancePayloads> = PerformancePayloads[T]

/** An OTLP `AnyValue` attribute list entry. */
type Attribute = { key: string; value: { stringValue: string } | { doubleValue: number } | { boolValue: boolean } }
type Point = Record<string, unknown> & { attributes: Attribute[] }
type Metric = {
  name: string
  unit: string
  gauge?: { dataPoints: Point[] }
  histogram?: { dataPoints: Point[]; aggregationTemporality: number }
}

/** OTLP `AggregationTemporality.DELTA`: each summary covers its own window. */
const DELTA = 1
const VITAL_UNITS: Record<string, string> = { CLS: '1' }

/**
 * The performance events of a batch as one OTLP/HTTP JSON `ExportMetricsServiceRequest`
 * (opentelemetry-proto `metrics/v1`, JSON encoding: 64-bit integers as strings, trace and span ids as hex):
 * `web_vital` → gauges `web_vitals.lcp` … with rating and target attributes and an exemplar whose hex
 * `traceId` is the SDK event id (zero-padded to 32 hex digits; none for an id that is not hex; `spanId`: its last 16
 * hex digits), so a backend can find the raw event;
 * `perf_summary` → delta histograms `marco.frame.duration`, `marco.collab.latency`, `marco.collab.rtt` and
 * gauges for frame rate, dropped and janky frames, long animation frames, memory, load times, operations per
 * second, peers and sync lag; `budget_breach` → gauge `marco.budget.breach`. `undefined` when the batch holds
 * no performance event.
 *
 * @example
 * const body = JSON.stringify(toOtlpMetrics(batch, { 'service.name': 'marco-web' }))
 */
export function toOtlpMetrics(
  batch: WireBatch,
  resource: Record<string, string | number | boolean> = {},
): Record<string, unknown> | undefined {
  const metrics = new Map<string, Metric>()
  const attributes = (values: Record<string, unknown>): Attribute[] =>
    Object.entries(values).flatMap(([key, value]): Attribute[] =>
      typeof value === 'string'
        ? [{ key, value: { stringValue: value } }]
        : typeof value === 'number'
          ? [{ key, value: { doubleValue: value } }]
          : typeof value === 'boolean'
            ? [{ key, value: { boolValue: value } }]
            : [],
    )
  const nanos = (ms: number): string => `${Math.round(ms)}000000`
  const add = (kind: 'gauge' | 'histogram', name: string, unit: string, point: Point): void => {
    let metric = metrics.get(name)
    if (!metric)
      metrics.set(
        name,
        (metric = {
          name,
          unit,
          [kind]: kind === 'gauge' ? { dataPoints: [] } : { dataPoints: [], aggregationTemporality: DELTA },
        }),
      )
    metric[kind]?.dataPoints.push(point)
  }
  for (const event of batch.events) {
    if (event.category !== 'performance') continue
    const time = { timeUnixNano: nanos(event.ts) }
    const common = { 'session.id': event.sessionId }
    const gauge = (name: string, unit: string, value: unknown, extra: Record<string, unknown> = {}): void => {
      if (typeof value === 'number')
        add('gauge', name, unit, { ...time, asDouble: value, attributes: attributes({ ...common, ...extra }) })
    }
    if (event.type === 'web_vital') {
      const p = event.payload as unknown as Payload<'web_vital'>
      const a = p.attribution ?? {}
      gauge(`web_vitals.${String(p.name).toLowerCase()}`, VITAL_UNITS[p.name] ?? 'ms', p.value, {
        rating: p.rating,
        'navigation.type': p.navigationType,
        target: a.interactionTarget ?? a.target ?? a.largestShiftTarget,
      })
      const point = metrics.get(`web_vitals.${String(p.name).toLowerCase()}`)?.gauge?.dataPoints.at(-1)
      if (point) point.exemplars = [exemplar(event, p.value)]
    } else if (event.type === 'budget_breach') {
      const p = event.payload as unknown as Payload<'budget_breach'>
      gauge('marco.budget.breach', '1', p.value, { metric: p.metric, threshold: p.threshold })
    } else if (event.type === 'perf_summary') {
      const p = event.payload as unknown as Payload<'perf_summary'>
      const start = { startTimeUnixNano: nanos(event.ts - (p.windowMs ?? 0)), ...time }
      const histogram = (
        name: string,
        unit: string,
        summary: { readonly hist: readonly number[]; readonly max: number } | undefined,
        bounds: readonly number[],
      ): void => {
        if (summary?.hist) {
          const count = summary.hist.reduce((a: number, b: number) => a + b, 0)
          add('histogram', name, unit, {
            ...start,
            count: `${count}`,
            max: summary.max,
            bucketCounts: summary.hist.map(String),
            explicitBounds: bounds,
            attributes: attributes(common),
          })
        }
      }
      const f = p.frames
      histogram('marco.frame.duration', 'ms', f, FRAME_BOUNDS_MS)
      gauge('marco.frame.rate', '{frame}/s', f?.fps)
      gauge('marco.frame.dropped', '{frame}', f?.dropped)
      gauge('marco.frame.janky', '{frame}', f?.janky)
      gauge('marco.long_animation_frame.count', '{frame}', p.longFrames?.count)
      gauge('marco.long_animation_frame.max', 'ms', p.longFrames?.maxMs)
      gauge('marco.memory.js', 'By', p.memory?.jsBytes)
      gauge('marco.memory.wasm', 'By', p.memory?.wasmBytes)
      for (const [kind, total] of Object.entries<ResourceTotal>(p.resources ?? {})) {
        gauge('marco.resource.duration', 'ms', total.ms, { kind, count: total.count })
      }
      for (const load of p.wasmLoads ?? [])
        gauge('marco.wasm.load.duration', 'ms', load.totalMs, { url: load.url, 'cache.hit': load.cacheHit })
      const c = p.collab
      histogram('marco.collab.latency', 'ms', c?.latency, COLLAB_LATENCY_BOUNDS_MS)
      histogram('marco.collab.rtt', 'ms', c?.rtt, COLLAB_LATENCY_BOUNDS_MS)
      gauge('marco.collab.operations', '{operation}/s', c?.opsPerSecond)
      gauge('marco.collab.peers', '{peer}', c?.peersConnected)
      gauge('marco.collab.sync_lag', 'ms', c?.syncLagMs)
    }
  }
  if (!metrics.size) return undefined
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: attributes({
            'telemetry.sdk.name': batch.sdk.name,
            'telemetry.sdk.version': batch.sdk.version,
            ...resource,
          }),
        },
        scopeMetrics: [{ scope: { name: '@marco/performance-analytics' }, metrics: [...metrics.values()] }],
      },
    ],
  }

  // OTLP wants 32 hex digits (16 bytes): a shorter hex id (core's no-crypto fallback) is padded with zeros in front;
  // an id that is not hex at all gets no trace and span id (both optional in an exemplar).
  function exemplar(event: WireEvent, value: number): Record<string, unknown> {
    const hex = event.id.replace(/-/g, '').toLowerCase().padStart(32, '0')
    return {
      timeUnixNano: nanos(event.ts),
      asDouble: value,
      ...(/^[0-9a-f]{32}$/.test(hex) && { traceId: hex, spanId: hex.slice(16) }),
      filteredAttributes: [],
    }
  }
}

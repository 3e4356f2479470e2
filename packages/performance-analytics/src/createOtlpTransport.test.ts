import type { IncomingMessage } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createId, type WireBatch, type WireEvent } from '@marco/core'
import { startTestCollector, type TestCollector } from '@marco/testing'
import { createOtlpTransport } from './createOtlpTransport'
import { FRAME_BOUNDS_MS } from './createFrameStats'
import { LATENCY_BOUNDS_MS } from './toPercentiles'
import { toOtlpMetrics } from './toOtlpMetrics'

const TS = Date.UTC(2026, 0, 1, 12)
const event = (
  type: string,
  payload: Record<string, unknown>,
  category: WireEvent['category'] = 'performance',
): WireEvent => ({
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  type,
  category,
  ts: TS,
  sessionId: 'session-1',
  payload,
})
const SUMMARY = {
  windowMs: 30_000,
  frames: {
    frames: 1790,
    fps: 59.7,
    dropped: 12,
    janky: 2,
    p50: 16.7,
    p95: 18.1,
    p99: 52,
    max: 120,
    hist: [0, 1700, 80, 8, 1, 1, 0],
  },
  longFrames: { count: 2, totalMs: 180, maxMs: 120 },
  memory: { jsBytes: 24_000_000, wasmBytes: 131_072 },
  resources: { wasm: { count: 1, ms: 300, maxMs: 300, bytes: 800_000 } },
  collab: {
    latency: { count: 40, p50: 38, p95: 120, p99: 140, max: 150, hist: [0, 5, 20, 10, 4, 1, 0, 0, 0] },
    opsPerSecond: 1.3,
    peersConnected: 2,
    peers: [],
  },
}
const BATCH: WireBatch = {
  v: 1,
  sentAt: TS,
  sdk: { name: '@marco/runtime', version: '0.1.0' },
  dropped: [],
  events: [
    event('perf_summary', SUMMARY),
    event('web_vital', {
      name: 'INP',
      value: 264,
      rating: 'needs-improvement',
      delta: 264,
      id: 'v5-1',
      navigationType: 'navigate',
      attribution: { interactionTarget: 'button#export', inputDelay: 4 },
    }),
    event('web_vital', {
      name: 'CLS',
      value: 0.12,
      rating: 'needs-improvement',
      delta: 0.12,
      id: 'v5-2',
      navigationType: 'navigate',
      attribution: {},
    }),
    event('budget_breach', { metric: 'INP', value: 264, threshold: 200 }),
    event('track', { name: 'export' }, 'analytics'),
  ],
}

let collector: TestCollector
let received: { headers: IncomingMessage['headers']; body: any }[]
let status: number
beforeEach(async () => {
  collector = await startTestCollector()
  received = []
  status = 200
  collector.routes.set('/v1/metrics', (req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(body) })
      res.writeHead(status, status === 503 ? { 'retry-after': '7' } : {}).end('{}')
    })
  })
})
afterEach(() => collector.close())

describe('createOtlpTransport', () => {
  it('POSTs the performance events as one OTLP/HTTP JSON ExportMetricsServiceRequest to /v1/metrics', async () => {
    const transport = createOtlpTransport({ endpoint: collector.origin, resource: { 'service.name': 'marco-web' } })
    await expect(transport.send(BATCH, { unloading: false, body: '' })).resolves.toMatchObject({
      result: 'sent',
      status: 200,
    })
    expect(received).toHaveLength(1)
    expect(received[0]!.headers['content-type']).toBe('application/json')
    const [resourceMetrics] = received[0]!.body.resourceMetrics
    expect(resourceMetrics.resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'marco-web' },
    })
    expect(resourceMetrics.resource.attributes).toContainEqual({
      key: 'telemetry.sdk.name',
      value: { stringValue: '@marco/runtime' },
    })
    const metrics: any[] = resourceMetrics.scopeMetrics[0].metrics
    const byName = Object.fromEntries(metrics.map((metric) => [metric.name, metric]))
    // One metric per name; the analytics event is left out.
    expect(new Set(metrics.map((metric) => metric.name)).size).toBe(metrics.length)

    const frames = byName['marco.frame.duration']
    expect(frames.unit).toBe('ms')
    expect(frames.histogram.aggregationTemporality).toBe(1)
    expect(frames.histogram.dataPoints[0]).toMatchObject({
      startTimeUnixNano: `${TS - 30_000}000000`,
      timeUnixNano: `${TS}000000`,
      count: '1790',
      max: 120,
      bucketCounts: ['0', '1700', '80', '8', '1', '1', '0'],
      explicitBounds: [...FRAME_BOUNDS_MS],
    })
    const latency = byName['marco.collab.latency'].histogram.dataPoints[0]
    expect(latency.explicitBounds).toEqual([...LATENCY_BOUNDS_MS])
    expect(latency.bucketCounts).toHaveLength(LATENCY_BOUNDS_MS.length + 1)
    expect(latency.count).toBe('40')

    expect(byName['marco.frame.rate'].gauge.dataPoints[0].asDouble).toBe(59.7)
    expect(byName['marco.memory.wasm']).toMatchObject({ unit: 'By', gauge: { dataPoints: [{ asDouble: 131_072 }] } })
    expect(byName['marco.collab.peers'].gauge.dataPoints[0].asDouble).toBe(2)
    expect(byName['marco.resource.duration'].gauge.dataPoints[0].attributes).toContainEqual({
      key: 'kind',
      value: { stringValue: 'wasm' },
    })

    const inp = byName['web_vitals.inp'].gauge.dataPoints[0]
    expect(inp.asDouble).toBe(264)
    expect(inp.attributes).toContainEqual({ key: 'target', value: { stringValue: 'button#export' } })
    expect(inp.attributes).toContainEqual({ key: 'rating', value: { stringValue: 'needs-improvement' } })
    expect(inp.exemplars[0].traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(inp.exemplars[0].spanId).toMatch(/^[0-9a-f]{16}$/)
    expect(byName['web_vitals.cls'].unit).toBe('1')
    expect(byName['marco.budget.breach'].gauge.dataPoints[0].attributes).toContainEqual({
      key: 'metric',
      value: { stringValue: 'INP' },
    })
    expect(byName['track']).toBeUndefined()
  })

  it('does not append /v1/metrics twice, and sends nothing for a batch without performance events', async () => {
    const transport = createOtlpTransport({ endpoint: `${collector.origin}/v1/metrics` })
    await expect(transport.send(BATCH, { unloading: true, body: '' })).resolves.toMatchObject({ result: 'sent' })
    await expect(
      transport.send({ ...BATCH, events: [BATCH.events[4]!] }, { unloading: false, body: '' }),
    ).resolves.toEqual({ result: 'sent', filtered: 1 })
    expect(received).toHaveLength(1)
  })

  it('retries on 503 with Retry-After, drops on 400, retries when the collector is unreachable', async () => {
    const transport = createOtlpTransport({ endpoint: collector.origin })
    status = 503
    await expect(transport.send(BATCH, { unloading: false, body: '' })).resolves.toEqual({
      result: 'retry',
      status: 503,
      retryAfterMs: 7000,
    })
    status = 400
    await expect(transport.send(BATCH, { unloading: false, body: '' })).resolves.toEqual({
      result: 'dropped',
      status: 400,
    })
    await collector.close()
    await expect(transport.send(BATCH, { unloading: false, body: '' })).resolves.toEqual({ result: 'retry' })
  })
})

describe('OTLP exemplars', () => {
  it("gives a valid 32-hex-digit traceId for an event id from core's no-crypto fallback", () => {
    const id = createId({} as never) // core's time-and-counter id, where the engine has no crypto
    const batch: WireBatch = {
      v: 1,
      sentAt: 1,
      sdk: { name: '@marco/runtime', version: '0.1.0' },
      dropped: [],
      events: [
        {
          id,
          type: 'web_vital',
          category: 'performance',
          ts: 1_700_000_000_000,
          sessionId: 's',
          payload: {
            name: 'LCP',
            value: 1200,
            rating: 'good',
            delta: 1200,
            id: 'v1',
            navigationType: 'navigate',
            attribution: {},
          },
        },
      ],
    }
    const request = toOtlpMetrics(batch) as any
    const point = request.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]
    expect(point.exemplars[0].traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(point.exemplars[0].spanId).toMatch(/^[0-9a-f]{16}$/)
  })
})

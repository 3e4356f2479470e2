// What a restart of monitoring, an app's odd values (a throwing getter, an imported memory, a numeric string, negative
// timings), a Firefox stats report, a zero sketch option and a short event id cannot do to what reaches the collector
// or what the stats say: each case was a defect, and each test fails without its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeContext,
  createFakeObserver,
  createFakeRaf,
  createFakeScope,
  startTestCollector,
  type FakeContext,
} from '@marco/testing'
import { PerformanceAnalytics } from './PerformanceAnalytics'
import { createId, type WireBatch } from '@marco/core'
import { createQuantileSketch } from './createQuantileSketch'
import { toOtlpMetrics } from './toOtlpMetrics'
import { readRtcStats } from './readRtcStats'
import type { BudgetBreach } from './types'

function createDocument() {
  return Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState })
}

/**
 * A PerformanceObserver that behaves as the browser's does for `buffered: true`: a new observer first receives the
 * entries of that type already in the performance timeline.
 */
function createBufferedObserver(supported: string[]) {
  const timeline = new Map<string, unknown[]>()
  const observers = new Set<{ type?: string; callback: (list: { getEntries(): unknown[] }) => void }>()
  class BufferedObserver {
    static supportedEntryTypes = supported
    type?: string
    constructor(public callback: (list: { getEntries(): unknown[] }) => void) {}
    observe({ type, buffered }: { type: string; buffered?: boolean }) {
      this.type = type
      observers.add(this)
      const entries = [...(timeline.get(type) ?? [])]
      if (buffered && entries.length) this.callback({ getEntries: () => entries })
    }
    disconnect() {
      observers.delete(this)
    }
  }
  return {
    PerformanceObserver: BufferedObserver,
    /** The browser records entries: into the timeline, and to the current observers. */
    record(type: string, entries: unknown[]) {
      timeline.set(type, [...(timeline.get(type) ?? []), ...entries])
      observers.forEach((o) => o.type === type && o.callback({ getEntries: () => entries }))
    },
  }
}

function setupWith(
  options: ConstructorParameters<typeof PerformanceAnalytics>[0] = {},
  overrides: Record<string, unknown> = {},
) {
  const raf = createFakeRaf()
  const observer = createFakeObserver(['long-animation-frame', 'longtask', 'resource'])
  const document = createDocument()
  const scope = createFakeScope({
    overrides: { ...raf, PerformanceObserver: observer.PerformanceObserver, document, ...overrides },
  })
  const context = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
  const perf = new PerformanceAnalytics({ summaryIntervalMs: 10_000, ...options })
  const breaches: BudgetBreach[] = []
  perf.onBudgetBreach((breach) => breaches.push(breach))
  const teardown = perf.setup(context)
  const advance = (ms: number, ctx: FakeContext = context) => {
    ctx.clock.advance(ms)
    vi.advanceTimersByTime(ms)
  }
  return { perf, context, raf, observer, document, scope, breaches, teardown, advance }
}

const summaries = (context: FakeContext) =>
  context.queue.ofType('perf_summary').map((event) => event.payload as Record<string, any>)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('frame loop across monitoring stop / start', () => {
  it('does not count the time monitoring was off (teardown, then monitorRealTimeMetrics again) as one long frame', () => {
    const { perf, context, raf, advance } = setupWith()
    const stopMonitoring = perf.monitorRealTimeMetrics()
    raf.frames(61, 1000 / 60)
    stopMonitoring()
    advance(10_000)
    // Ten minutes pass with monitoring off (no frame callback pending: only the clock moves).
    raf.frames(1, 600_000)
    perf.monitorRealTimeMetrics()
    raf.frames(61, 1000 / 60)
    advance(10_000)
    const frames = summaries(context).at(-1)!.frames
    expect(frames.max).toBeLessThan(50)
    expect(frames.janky).toBe(0)
    expect(frames.frames).toBe(60)
  })

  it('does not report a false fps budget breach after the runtime stops and starts it again', () => {
    const { perf, scope, raf, breaches, teardown } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(121, 1000 / 60)
    teardown() // the runtime's stop()
    raf.frames(1, 600_000) // ten minutes later…
    const second = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
    perf.setup(second) // …start(): monitoring runs on
    raf.frames(121, 1000 / 60) // a steady 60 fps
    second.clock.advance(10_000)
    vi.advanceTimersByTime(10_000)
    expect(breaches.filter((b) => b.metric === 'fps')).toEqual([])
    expect(summaries(second).at(-1)!.frames.max).toBeLessThan(50)
  })
})

describe('frame-time histogram', () => {
  it('puts the frames of a 120 Hz display (8.33 ms) in the bucket below 8.4 ms, and janky frames at or above 50 ms', () => {
    const { perf, context, raf, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(121, 1000 / 120) // 120 frames of 8.33 ms
    raf.frames(1, 1000 / 60) // one missed refresh: 16.67 ms
    raf.frames(1, 50.2) // one janky frame
    advance(10_000)
    const frames = summaries(context)[0]!.frames
    expect(frames.janky).toBe(1)
    // FRAME_BOUNDS_MS = [8.4, 16.7, 33.4, 50, 100, 200]
    expect(frames.hist).toEqual([120, 1, 0, 0, 1, 0, 0])
  })
})

describe('app-provided values', () => {
  it('recordWasmLoad with a throwing getter does not throw into the page', () => {
    const { perf } = setupWith()
    const profile = {
      get url(): string {
        throw new Error('getter bug')
      },
    }
    expect(() => perf.recordWasmLoad(profile as never)).not.toThrow()
  })

  it('a registerWasmMemory with no memory (a module that imports its memory) does not cost every summary', () => {
    const { perf, context, advance } = setupWith()
    const exports: Record<string, unknown> = {}
    perf.registerWasmMemory(exports.memory as WebAssembly.Memory)
    perf.recordLatency(30)
    advance(10_000)
    perf.recordLatency(40)
    advance(10_000)
    expect(summaries(context)).toHaveLength(2)
    expect(summaries(context)[1]!.collab.latency.count).toBe(1)
  })

  it('a registered memory whose read fails costs only its own bytes, not the summary', () => {
    const { perf, context, advance } = setupWith()
    const broken: { buffer?: ArrayBuffer } = { buffer: new ArrayBuffer(8) }
    perf.registerWasmMemory(broken as WebAssembly.Memory)
    perf.registerWasmMemory({ buffer: new ArrayBuffer(64) } as WebAssembly.Memory)
    delete broken.buffer
    advance(10_000)
    expect(summaries(context)[0]!.memory).toEqual({ wasmBytes: 64 })
  })

  it('recordOperation with a numeric string does not concatenate the operation counter', () => {
    const { perf, advance } = setupWith({ summaryIntervalMs: 60_000 })
    perf.recordOperation('2' as never)
    perf.recordOperation(1)
    perf.recordOperation(1)
    advance(1_000)
    // At most 4 operations in one second (or 2 if the string is dropped), never "0211".
    expect(perf.analyzeCollaborationPerformance().opsPerSecond).toBeLessThanOrEqual(4)
  })

  it('recordWasmLoad clamps or drops negative and non-finite timings instead of sending them', async () => {
    vi.useRealTimers()
    const collector = await startTestCollector()
    try {
      const perf = new PerformanceAnalytics({
        endpoint: collector.endpoint,
        consent: { defaults: { performance: 'granted' } },
        queueOptions: { storage: false },
      })
      perf.start()
      perf.recordWasmLoad({
        url: '/core.wasm',
        bytes: -1,
        cacheHit: false,
        fetchMs: Number.NaN,
        verifyMs: 0,
        compileMs: -50,
        instantiateMs: Infinity,
        totalMs: -120,
      })
      await perf.flush()
      const events = collector.requests.flatMap(
        (request) => (request.body as { events: { type: string; payload: any }[] }).events,
      )
      const loads = events.flatMap((event) => event.payload.wasmLoads ?? [])
      expect(loads).not.toEqual([])
      for (const load of loads)
        for (const key of ['bytes', 'fetchMs', 'compileMs', 'instantiateMs', 'totalMs'])
          if (load[key] !== undefined) {
            expect(typeof load[key], key).toBe('number')
            expect(load[key], key).toBeGreaterThanOrEqual(0)
          }
      await perf.stop()
    } finally {
      await collector.close()
    }
  })
})

describe('observers across stop / start', () => {
  it('does not count the buffered resource loads and long frames again after monitoring restarts', () => {
    const timeline = createBufferedObserver(['long-animation-frame', 'resource'])
    const { perf, context, breaches, advance } = setupWith({}, { PerformanceObserver: timeline.PerformanceObserver })
    const stopMonitoring = perf.monitorRealTimeMetrics()
    timeline.record('resource', [
      { name: 'https://app.example/core.wasm', initiatorType: 'fetch', duration: 300, transferSize: 800_000 },
    ])
    timeline.record('long-animation-frame', [{ entryType: 'long-animation-frame', duration: 260, scripts: [] }])
    advance(10_000)
    expect(summaries(context)[0]!.resources.wasm.count).toBe(1)
    expect(breaches).toHaveLength(1)
    stopMonitoring()
    perf.monitorRealTimeMetrics()
    perf.recordLatency(20) // something else happens, so the window is not empty
    advance(10_000)
    const second = summaries(context)[1]!
    // Nothing was loaded and no frame was long in the second window.
    expect(second.resources).toBeUndefined()
    expect(second.longFrames).toBeUndefined()
    expect(breaches).toHaveLength(1)
  })
})

describe('timers after stop', () => {
  it('leaves no timer behind after stop when trackUserExperience was called', async () => {
    const { perf, teardown } = setupWith()
    const ux = perf.trackUserExperience()
    teardown()
    await ux
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('WebRTC stats', () => {
  it('reads the pair Firefox marks selected even when an earlier nominated pair is listed first', () => {
    const report = [
      {
        id: 'old',
        type: 'candidate-pair',
        localCandidateId: 'l0',
        remoteCandidateId: 'r0',
        state: 'succeeded',
        nominated: true,
        selected: false,
        currentRoundTripTime: 0.4,
      },
      {
        id: 'new',
        type: 'candidate-pair',
        localCandidateId: 'l1',
        remoteCandidateId: 'r1',
        state: 'succeeded',
        nominated: true,
        selected: true,
        currentRoundTripTime: 0.023,
      },
      { id: 'l0', type: 'local-candidate', candidateType: 'host' },
      { id: 'r0', type: 'remote-candidate', candidateType: 'host' },
      { id: 'l1', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'tcp' },
      { id: 'r1', type: 'remote-candidate', candidateType: 'srflx' },
    ]
    expect(readRtcStats(report)).toMatchObject({ rttMs: 23, candidateType: 'relay', relayProtocol: 'tcp' })
  })
})

describe('quantile sketch options', () => {
  it('createQuantileSketch({ minValue: 0 }) does not throw and answers within the data', () => {
    expect(() => createQuantileSketch({ minValue: 0 })).not.toThrow()
    const sketch = createQuantileSketch({ minValue: 0 })
    for (const value of [0, 2, 4, 8, 16]) sketch.add(value)
    expect(sketch.quantile(0)).toBe(0)
    // Within 1 % of the exact nearest-rank value.
    expect(Math.abs(sketch.quantile(0.5)! - 4)).toBeLessThanOrEqual(0.04)
    expect(Math.abs(sketch.quantile(1)! - 16)).toBeLessThanOrEqual(0.16)
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

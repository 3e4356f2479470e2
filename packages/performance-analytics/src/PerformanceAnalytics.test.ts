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
import type { BudgetBreach } from './types'
import { CHROME_AUDIO_CALL_VIA_TURN } from './rtcStatsFixtures'

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
  consent = 'granted' as const,
) {
  const raf = createFakeRaf()
  const observer = createFakeObserver(['long-animation-frame', 'longtask', 'resource'])
  const document = createDocument()
  const scope = createFakeScope({
    overrides: { ...raf, PerformanceObserver: observer.PerformanceObserver, document, ...overrides },
  })
  const context = createFakeContext({ scope, consent: { defaults: { performance: consent } } })
  const perf = new PerformanceAnalytics({ summaryIntervalMs: 10_000, ...options })
  const breaches: BudgetBreach[] = []
  perf.onBudgetBreach((breach) => breaches.push(breach))
  const teardown = perf.setup(context)
  const advance = (ms: number) => {
    context.clock.advance(ms)
    vi.advanceTimersByTime(ms)
  }
  return { perf, context, raf, observer, document, scope, breaches, teardown, advance }
}

/** Used alone, sending to `endpoint` (memory only), with performance consent. */
const alone = (endpoint: string) =>
  new PerformanceAnalytics({
    endpoint,
    consent: { defaults: { performance: 'granted' } },
    queueOptions: { storage: false },
  })

const summaries = (context: FakeContext) =>
  context.queue.ofType('perf_summary').map((event) => event.payload as Record<string, any>)

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('PerformanceAnalytics', () => {
  it('sends one perf_summary per window with frame statistics, never one event per frame', () => {
    const { perf, context, raf, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(601, 1000 / 60)
    advance(10_000)
    expect(context.queue.events).toHaveLength(1)
    const [summary] = summaries(context)
    expect(summary!.frames).toMatchObject({ frames: 600, fps: 60, dropped: 0, janky: 0 })
    expect(summary!.windowMs).toBe(10_000)
    expect(context.errors).toEqual([])
  })

  it('queues the window summary when the page is hidden or left', () => {
    const { perf, context, raf, document, scope } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(30, 20)
    document.visibilityState = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    expect(summaries(context)).toHaveLength(1)
    perf.recordLatency(40)
    scope.dispatch('pagehide', { persisted: false })
    expect(summaries(context)).toHaveLength(2)
    expect(summaries(context)[1]!.collab.latency.p50).toBeCloseTo(40, 0)
  })

  it('pauses frame monitoring while the page is hidden and resumes when it is shown', () => {
    const { perf, context, raf, document, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(11, 1000 / 60)
    document.visibilityState = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    expect(raf.pending()).toBe(0)
    document.visibilityState = 'visible'
    document.dispatchEvent(new Event('visibilitychange'))
    expect(raf.pending()).toBe(1)
    raf.frames(11, 1000 / 60)
    advance(10_000)
    // Ten frames on each side; the hidden gap is not a frame.
    expect(summaries(context).at(-1)!.frames).toMatchObject({ frames: 10, fps: 60 })
  })

  it('sends nothing without performance consent, and purges what waits when consent is revoked', () => {
    const { perf, context, advance } = setupWith({}, {}, 'pending' as never)
    perf.recordLatency(20)
    advance(10_000)
    expect(context.queue.events).toEqual([])
    context.consent.grant('performance')
    perf.recordLatency(20)
    advance(10_000)
    expect(summaries(context)).toHaveLength(1)
    context.consent.deny('performance')
    expect(context.queue.purged).toEqual(['performance'])
    perf.recordLatency(20)
    advance(10_000)
    expect(context.queue.events).toEqual([])
  })

  it('summarises long animation frames with the longest script, and breaches the 200 ms budget with its attribution', () => {
    const { perf, context, observer, breaches, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    expect(observer.observing()).toContain('long-animation-frame')
    const script = {
      duration: 230,
      invoker: 'BUTTON#export.onclick',
      invokerType: 'event-listener',
      sourceURL: 'https://app.example/app.js',
      sourceFunctionName: 'exportSvg',
    }
    observer.emit('long-animation-frame', [
      { entryType: 'long-animation-frame', duration: 80, blockingDuration: 30, scripts: [] },
      {
        entryType: 'long-animation-frame',
        duration: 260,
        blockingDuration: 210,
        scripts: [{ ...script, duration: 10, invoker: 'TimerHandler:setTimeout' }, script],
      },
    ])
    expect(breaches).toEqual([
      {
        metric: 'long-animation-frame',
        value: 260,
        threshold: 200,
        attribution: {
          invoker: 'BUTTON#export.onclick',
          invokerType: 'event-listener',
          sourceURL: 'https://app.example/app.js',
          sourceFunctionName: 'exportSvg',
          durationMs: 230,
        },
      },
    ])
    advance(10_000)
    expect(summaries(context)[0]!.longFrames).toMatchObject({
      count: 2,
      totalMs: 340,
      maxMs: 260,
      worst: { durationMs: 260, blockingMs: 210, script: { invoker: 'BUTTON#export.onclick' } },
    })
    expect(context.queue.ofType('budget_breach').map((event) => event.payload)).toEqual([breaches[0]])
  })

  it('falls back to long tasks where long animation frames are not supported', () => {
    const observer = createFakeObserver(['longtask'])
    const { perf, context, advance } = setupWith({}, { PerformanceObserver: observer.PerformanceObserver })
    perf.monitorRealTimeMetrics()
    expect(observer.observing()).toEqual(['longtask'])
    observer.emit('longtask', [{ entryType: 'longtask', duration: 120 }])
    advance(10_000)
    expect(summaries(context)[0]!.longFrames).toMatchObject({ count: 1, maxMs: 120 })
  })

  it('breaches the frame-rate budget once when fps stays under 50 for 5 seconds', () => {
    const { perf, raf, breaches } = setupWith()
    perf.monitorRealTimeMetrics()
    raf.frames(400, 25)
    expect(breaches).toHaveLength(1)
    expect(breaches[0]).toMatchObject({ metric: 'fps', threshold: 50 })
    expect(breaches[0]!.value).toBeCloseTo(40, 0)
  })

  it('breaches the p95 collaboration latency budget at the end of the window', () => {
    const { perf, breaches, advance } = setupWith()
    for (let i = 0; i < 100; i++) perf.recordLatency(i < 90 ? 50 : 300)
    advance(10_000)
    expect(breaches).toHaveLength(1)
    expect(breaches[0]).toMatchObject({ metric: 'collaboration-p95', threshold: 150 })
    expect(breaches[0]!.value).toBeCloseTo(300, -1)
  })

  it('takes custom budgets, and none with budgets: false', () => {
    const custom = setupWith({ budgets: { collaborationP95Ms: 400, longFrameMs: 100 } })
    for (let i = 0; i < 100; i++) custom.perf.recordLatency(300)
    custom.perf.monitorRealTimeMetrics()
    custom.observer.emit('long-animation-frame', [{ duration: 120, scripts: [] }])
    custom.advance(10_000)
    expect(custom.breaches.map((b) => [b.metric, b.threshold])).toEqual([['long-animation-frame', 100]])
    custom.teardown()

    const none = setupWith({ budgets: false })
    for (let i = 0; i < 100; i++) none.perf.recordLatency(10_000)
    none.perf.monitorRealTimeMetrics()
    none.observer.emit('long-animation-frame', [{ duration: 900, scripts: [] }])
    none.raf.frames(400, 100)
    none.advance(10_000)
    expect(none.breaches).toEqual([])
  })

  it('reports at most five breaches of one metric per window', () => {
    const { perf, observer, breaches, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    observer.emit(
      'long-animation-frame',
      Array.from({ length: 20 }, () => ({ duration: 300, scripts: [] })),
    )
    expect(breaches).toHaveLength(5)
    advance(10_000)
    observer.emit('long-animation-frame', [{ duration: 300, scripts: [] }])
    expect(breaches).toHaveLength(6)
  })

  it('skips a breach listener that throws: the others still hear, nothing reaches the page', () => {
    const { perf, context, observer, breaches } = setupWith()
    const unsubscribe = perf.onBudgetBreach(() => {
      throw new Error('listener bug')
    })
    const later: BudgetBreach[] = []
    perf.onBudgetBreach((breach) => later.push(breach))
    perf.monitorRealTimeMetrics()
    expect(() => observer.emit('long-animation-frame', [{ duration: 300, scripts: [] }])).not.toThrow()
    expect(breaches).toHaveLength(1)
    expect(later).toHaveLength(1)
    expect(context.errors).toHaveLength(1)
    unsubscribe()
    observer.emit('long-animation-frame', [{ duration: 300, scripts: [] }])
    expect(later).toHaveLength(2)
    expect(context.errors).toHaveLength(1)
  })

  it("reads tracked peer connections' getStats: RTT percentiles, candidate type, peers connected", async () => {
    const { perf, context, advance } = setupWith()
    const report = new Map(CHROME_AUDIO_CALL_VIA_TURN.map((stats) => [stats.id, stats]))
    const peer = { connectionState: 'connected', getStats: async () => report } as unknown as RTCPeerConnection
    const closed = {
      connectionState: 'closed',
      getStats: () => Promise.reject(new DOMException('closed', 'InvalidStateError')),
    } as unknown as RTCPeerConnection
    perf.trackPeerConnection(peer)
    perf.trackPeerConnection(closed)
    for (let i = 0; i < 3; i++) {
      advance(2_000)
      await vi.advanceTimersByTimeAsync(0)
    }
    const collab = perf.analyzeCollaborationPerformance()
    expect(collab.peersConnected).toBe(1)
    expect(collab.peers[0]).toMatchObject({ rttMs: 48, candidateType: 'relay', packetsLost: 14, jitterMs: 12 })
    expect(collab.peers[1]).toEqual({})
    expect(collab.rtt).toMatchObject({ count: 3 })
    expect(collab.rtt!.p50).toBeCloseTo(48, 0)
    expect(context.errors).toEqual([])
  })

  it('computes operations per second, latency percentiles and sync lag from what the app records', () => {
    const { perf, advance } = setupWith({ summaryIntervalMs: 60_000 })
    for (let i = 1; i <= 200; i++) {
      perf.recordOperation()
      perf.recordLatency(i)
    }
    perf.recordSyncLag(120)
    perf.recordSyncLag(80)
    perf.recordLatency(Number.NaN)
    perf.recordLatency(-5)
    advance(40_000)
    const collab = perf.analyzeCollaborationPerformance()
    expect(collab.opsPerSecond).toBe(5)
    expect(collab.latency).toMatchObject({ count: 200, max: 200 })
    expect(Math.abs(collab.latency!.p50 - 100) / 100).toBeLessThanOrEqual(0.01)
    expect(Math.abs(collab.latency!.p95 - 190) / 190).toBeLessThanOrEqual(0.01)
    expect(Math.abs(collab.latency!.p99 - 198) / 198).toBeLessThanOrEqual(0.01)
    expect(collab.syncLagMs).toBe(120)
  })

  it('reports WebAssembly memory, JS memory and wasm load timings in the summary', async () => {
    const { perf, context, advance } = setupWith({}, { performance: { memory: { usedJSHeapSize: 24_000_000 } } })
    const memory = new WebAssembly.Memory({ initial: 2 })
    perf.registerWasmMemory(memory)
    perf.monitorRealTimeMetrics()
    await vi.advanceTimersByTimeAsync(0)
    perf.recordWasmLoad({
      url: '/core.wasm',
      bytes: 812_000,
      cacheHit: false,
      fetchMs: 120,
      verifyMs: 4,
      compileMs: 60,
      instantiateMs: 3,
      totalMs: 187,
    })
    advance(10_000)
    memory.grow(1)
    perf.recordWasmLoad({
      url: '/core.wasm',
      bytes: 812_000,
      cacheHit: true,
      fetchMs: 2,
      verifyMs: 4,
      compileMs: 1,
      instantiateMs: 3,
      totalMs: 10,
    })
    await vi.advanceTimersByTimeAsync(0)
    advance(10_000)
    const [first, second] = summaries(context)
    expect(first!.memory).toEqual({ jsBytes: 24_000_000, wasmBytes: 131_072 })
    expect(first!.wasmLoads).toEqual([
      {
        url: '/core.wasm',
        bytes: 812_000,
        cacheHit: false,
        fetchMs: 120,
        verifyMs: 4,
        compileMs: 60,
        instantiateMs: 3,
        totalMs: 187,
      },
    ])
    expect(second!.memory).toEqual({ jsBytes: 24_000_000, wasmBytes: 196_608 })
    expect(second!.wasmLoads[0]).toMatchObject({ cacheHit: true, totalMs: 10 })
  })

  it('prefers measureUserAgentSpecificMemory when the page is cross-origin isolated', async () => {
    const performance = {
      memory: { usedJSHeapSize: 1 },
      measureUserAgentSpecificMemory: async () => ({ bytes: 52_000_000 }),
    }
    const { perf, context, advance } = setupWith({}, { performance, crossOriginIsolated: true })
    perf.monitorRealTimeMetrics()
    await vi.advanceTimersByTimeAsync(0)
    advance(10_000)
    expect(summaries(context)[0]!.memory).toEqual({ jsBytes: 52_000_000 })
  })

  it('summarises .wasm, worker and script loads from Resource Timing, and nothing else', () => {
    const { perf, context, observer, advance } = setupWith()
    perf.monitorRealTimeMetrics()
    observer.emit('resource', [
      { name: 'https://app.example/core.wasm?v=2', initiatorType: 'fetch', duration: 300, transferSize: 800_000 },
      { name: 'https://app.example/ops-worker.js', initiatorType: 'other', duration: 40, transferSize: 12_000 },
      { name: 'https://app.example/app.js', initiatorType: 'script', duration: 90, transferSize: 50_000 },
      { name: 'https://app.example/vendor.mjs', initiatorType: 'script', duration: 30, transferSize: 0 },
      { name: 'https://app.example/logo.png', initiatorType: 'img', duration: 500, transferSize: 9_000 },
    ])
    advance(10_000)
    expect(summaries(context)[0]!.resources).toEqual({
      wasm: { count: 1, ms: 300, maxMs: 300, bytes: 800_000 },
      worker: { count: 1, ms: 40, maxMs: 40, bytes: 12_000 },
      script: { count: 2, ms: 120, maxMs: 90, bytes: 50_000 },
    })
  })

  it('keeps frame monitoring running when the browser refuses an observer, and throws nothing', () => {
    class RefusingObserver {
      static supportedEntryTypes = ['long-animation-frame', 'resource']
      observe() {
        throw new TypeError('refused')
      }
      disconnect() {}
    }
    const { perf, context, raf, advance } = setupWith({}, { PerformanceObserver: RefusingObserver })
    expect(() => perf.monitorRealTimeMetrics()).not.toThrow()
    raf.frames(11, 20)
    advance(10_000)
    expect(summaries(context)[0]!.frames.frames).toBe(10)
    expect(context.errors).toHaveLength(2)
  })

  it('runs in a worker (no document, no requestAnimationFrame, no PerformanceObserver): what needs them is absent', async () => {
    const scope = createFakeScope()
    const context = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
    const perf = new PerformanceAnalytics({ summaryIntervalMs: 10_000, scope })
    perf.setup(context)
    const stop = perf.monitorRealTimeMetrics()
    await expect(perf.trackUserExperience()).resolves.toEqual({})
    perf.recordLatency(30)
    context.clock.advance(10_000)
    vi.advanceTimersByTime(10_000)
    const [summary] = summaries(context)
    expect(summary!.frames).toBeUndefined()
    expect(summary!.collab.latency.count).toBe(1)
    stop()
    expect(context.errors).toEqual([])
  })

  it('keeps calls made before setup and starts them then', () => {
    const raf = createFakeRaf()
    const scope = createFakeScope({ overrides: { ...raf } })
    const perf = new PerformanceAnalytics()
    perf.recordLatency(25)
    perf.monitorRealTimeMetrics()
    expect(raf.pending()).toBe(0)
    const context = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
    const teardown = perf.setup(context)
    expect(raf.pending()).toBe(1)
    teardown()
    expect(raf.pending()).toBe(0)
    expect(summaries(context)[0]!.collab.latency.count).toBe(1)
    expect(scope.listenerCount()).toBe(0)
  })

  it('monitors again after a stop and a new setup, until its own teardown', () => {
    const raf = createFakeRaf()
    const scope = createFakeScope({ overrides: { ...raf } })
    const perf = new PerformanceAnalytics()
    const first = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
    const teardown = perf.setup(first)
    const stopMonitoring = perf.monitorRealTimeMetrics()
    expect(raf.pending()).toBe(1)
    teardown()
    expect(raf.pending()).toBe(0)
    // Set up again (the runtime's stop() then start()): the frame loop runs again, and its frames are summarised.
    const second = createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } })
    const again = perf.setup(second)
    expect(raf.pending()).toBe(1)
    raf.frames(10, 16)
    again()
    expect(summaries(second)[0]!.frames!.frames).toBeGreaterThan(1)
    // Ended by its own teardown: a later setup does not start it.
    stopMonitoring()
    const third = perf.setup(createFakeContext({ scope, consent: { defaults: { performance: 'granted' } } }))
    expect(raf.pending()).toBe(0)
    third()
  })

  it('used alone with an endpoint, delivers its summary to the collector', async () => {
    vi.useRealTimers()
    const collector = await startTestCollector()
    try {
      const perf = alone(collector.endpoint)
      perf.recordOperation(3)
      perf.recordLatency(42)
      perf.monitorRealTimeMetrics()
      await perf.flush()
      const events = collector.requests.flatMap(
        (request) => (request.body as { events: { type: string; category: string; payload: any }[] }).events,
      )
      expect(events.map((event) => [event.type, event.category])).toEqual([['perf_summary', 'performance']])
      expect(events[0]!.payload.collab.latency).toMatchObject({ count: 1, p50: 42 })
      await perf.stop()
    } finally {
      await collector.close()
    }
  })
})

// Found by a hostile review; each of these failed before its fix.
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
      const perf = alone(collector.endpoint)
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

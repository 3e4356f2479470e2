// The wire schema's payload checks, per event type (`@marco/core`'s schema/batch.v1.json, `$defs` selected by `type`):
// every payload the SDK's packages build validates with the collector's own validator and is stored by a real
// collector; a wrong-typed field in any of them is a 400 naming the event, and nothing of that batch is stored; an
// app's own event types stay free.
import { MessageChannel } from 'node:worker_threads'
import { AnalyticsEngine } from '@marco/analytics'
import { EventQueue, createId, toCspViolation, type SdkEvent } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'
import { Experiments, defineExperiment } from '@marco/experiments'
import { PerformanceAnalytics } from '@marco/performance-analytics'
import { createFakeContext, createFakeObserver, createFakeRaf, createFakeScope } from '@marco/testing'
import { WorkerPool, expose, type Endpoint, type WorkerLike } from '@marco/workers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { loadBatchValidator } from './loadBatchValidator'
import { startCollector } from './startCollector'
import { batch, getJson, post, tempDir, type TestEvent } from './testServer.test-helper'
import type { Collector } from './types'

/** web-vitals needs a browser: here its `on*` functions keep their callback, and the test reports as it would. */
const vitals = vi.hoisted(() => new Map<string, (metric: unknown) => void>())
vi.mock('web-vitals/attribution', () => {
  const on = (name: string) => (report: (metric: unknown) => void) => void vitals.set(name, report)
  return { onCLS: on('CLS'), onFCP: on('FCP'), onINP: on('INP'), onLCP: on('LCP'), onTTFB: on('TTFB') }
})

/** Every event type the SDK's packages send (`git grep -n "createEvent(" packages/*\/src`). */
const SDK_TYPES = [
  // @marco/analytics
  'track',
  'page',
  'identify',
  'session_start',
  'session_end',
  'canvas_summary',
  // @marco/performance-analytics
  'web_vital',
  'perf_summary',
  'budget_breach',
  // @marco/crash-reporter
  'exception',
  'message',
  'csp_violation',
  'performance_issue',
  'crash_count',
  // @marco/experiments
  'experiment_exposure',
  // @marco/workers (WorkerPool as a Feature)
  'worker_pool',
]

/** The payload fields the schema requires, by type; every other field may be left out. */
const REQUIRED: Record<string, readonly string[]> = {
  web_vital: ['name', 'value'],
  budget_breach: ['metric', 'value'],
  experiment_exposure: ['experiment', 'variant', 'unitId'],
  crash_count: ['fingerprint', 'count'],
}

const MINUTE = 60_000

/** An in-process worker: `expose` on the far side of a MessageChannel. */
function inProcessWorker(api: object): WorkerLike {
  const { port1, port2 } = new MessageChannel()
  expose(api, port2 as unknown as Endpoint)
  return {
    postMessage: (message, transfer) => port1.postMessage(message, transfer as never),
    addEventListener: (type, listener) => type === 'message' && port1.addEventListener('message', listener as never),
    removeEventListener: (type, listener) =>
      type === 'message' && port1.removeEventListener('message', listener as never),
    start: () => port1.start(),
    terminate: () => (port1.close(), port2.close()),
  }
}

/** A connected peer whose `getStats()` is a TURN call (RTP counts duplicates as negative loss). */
const peer = {
  connectionState: 'connected',
  getStats: async () =>
    new Map<string, Record<string, unknown>>([
      ['T1', { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' }],
      [
        'CP1',
        {
          id: 'CP1',
          type: 'candidate-pair',
          currentRoundTripTime: 0.048,
          bytesSent: 120_000,
          bytesReceived: 98_000,
          localCandidateId: 'L1',
          remoteCandidateId: 'R1',
        },
      ],
      ['L1', { id: 'L1', type: 'local-candidate', candidateType: 'relay', relayProtocol: 'udp' }],
      ['R1', { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' }],
      ['IN1', { id: 'IN1', type: 'inbound-rtp', packetsLost: -2, jitter: 0.004 }],
    ]),
}

/** Web Vitals as web-vitals' attribution build reports them (a DOM node and an entry among the attribution). */
const VITALS = [
  {
    name: 'TTFB',
    value: 120,
    rating: 'good',
    delta: 120,
    id: 'v5-1-1',
    navigationType: 'navigate',
    entries: [],
    attribution: { waitingDuration: 10, dnsDuration: 20, connectionDuration: 30, requestDuration: 60 },
  },
  {
    name: 'FCP',
    value: 900,
    rating: 'good',
    delta: 900,
    id: 'v5-1-2',
    navigationType: 'navigate',
    entries: [],
    attribution: { timeToFirstByte: 120, firstByteToFCP: 780, loadState: 'dom-content-loaded' },
  },
  {
    name: 'LCP',
    value: 1834.5,
    rating: 'good',
    delta: 1834.5,
    id: 'v5-1-3',
    navigationType: 'navigate',
    entries: [],
    attribution: { target: 'img.hero', url: 'https://app.example/hero.png', timeToFirstByte: 120, lcpEntry: {} },
  },
  {
    name: 'CLS',
    value: 0.12,
    rating: 'needs-improvement',
    delta: 0.12,
    id: 'v5-1-4',
    navigationType: 'navigate',
    entries: [],
    attribution: { largestShiftTarget: 'div.toolbar', largestShiftValue: 0.1 },
  },
  // Over the 200 ms INP budget: a budget_breach, forwarded to the crash reporter as a performance_issue.
  {
    name: 'INP',
    value: 350,
    rating: 'needs-improvement',
    delta: 350,
    id: 'v5-1-5',
    navigationType: 'navigate',
    entries: [],
    attribution: {
      interactionTarget: 'button#export',
      interactionTargetElement: {},
      interactionType: 'pointer',
      inputDelay: 12,
      processingDuration: 280,
      presentationDelay: 58,
      longestScript: {
        entry: {
          invoker: 'BUTTON#export.onclick',
          sourceURL: 'https://app.example/assets/main.js',
          sourceFunctionName: 'exportSvg',
        },
        subpart: 'processing-duration',
        intersectingDuration: 250.123,
      },
    },
  },
  // INP can fall (past 50 interactions the estimate moves to the next longest): a negative delta.
  {
    name: 'INP',
    value: 300,
    rating: 'needs-improvement',
    delta: -50,
    id: 'v5-1-5',
    navigationType: 'navigate',
    entries: [],
    attribution: { interactionTarget: 'button#export', interactionType: 'pointer' },
  },
]

/**
 * Events as the SDK's packages make them: each feature set up on one fake context with every consent granted and
 * driven through its public API (the runtime's wiring of budget breaches to the crash reporter done by hand), the
 * page then hidden so everything pre-aggregated or counted is sent. Returns the events and the batch context the
 * packages give.
 */
async function produceSdkEvents(): Promise<{ events: SdkEvent[]; context: Record<string, unknown> }> {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
  try {
    const raf = createFakeRaf()
    const observer = createFakeObserver(['long-animation-frame', 'longtask', 'resource'])
    const document = Object.assign(new EventTarget(), {
      visibilityState: 'visible',
      title: 'Board of jane@example.com',
      referrer: 'https://search.example/?q=marco',
    })
    const scope = createFakeScope({
      overrides: {
        location: { href: 'https://app.example/board/7?invite=jane%40example.com#layer-2' },
        document,
        ...raf,
        PerformanceObserver: observer.PerformanceObserver,
        performance: { now: () => 0, memory: { usedJSHeapSize: 48_000_000 } },
      },
    })
    const context = createFakeContext({
      scope,
      consent: { defaults: { analytics: 'granted', crash: 'granted', performance: 'granted' } },
    })
    const teardowns: (() => void)[] = []

    // @marco/crash-reporter
    const reporter = new CrashReporter({
      breadcrumbs: false,
      release: '2.4.0',
      environment: 'test',
      inAppUrls: ['https://app.example/'],
    })
    teardowns.push(reporter.setup(context))
    reporter.setUser({ id: 'user-42', email: 'jane@example.com' })
    reporter.setTag('tool', 'pen')
    reporter.setContext('board', { layers: 3 })
    reporter.addBreadcrumb({ category: 'canvas', message: 'layer added', data: { layer: 3 } })
    reporter.captureException(new Error('stroke 3 failed', { cause: new TypeError('offline') }), {
      tags: { layer: '3' },
      extra: { points: 48, at: new Date(0), ids: new Set([1, 2]) },
      level: 'fatal',
    })
    const trap = Object.assign(new Error('unreachable executed'), {
      name: 'RuntimeError',
      stack:
        'RuntimeError: unreachable executed\n' +
        '    at smooth (wasm://wasm/8c4f2e1a:wasm-function[42]:0x1a2b)\n' +
        '    at draw (https://app.example/assets/main.js:12:5)',
    })
    reporter.captureException(trap, { handled: false, mechanism: 'onerror' })
    reporter.captureException('a thrown string')
    // One call site in a loop: the first is sent, the others counted and sent as a crash_count on page hide.
    for (let i = 0; i < 50; i++) reporter.captureException(new Error(`frame ${i} failed`))
    reporter.captureMessage('sync degraded', 'warning')
    reporter.reportCspViolation(
      toCspViolation({
        effectiveDirective: 'script-src-elem',
        violatedDirective: 'script-src',
        blockedURI: 'https://evil.example/x.js?token=abc',
        documentURI: 'https://app.example/',
        sourceFile: 'https://app.example/assets/main.js',
        lineNumber: 2,
        columnNumber: 7,
        sample: '',
        disposition: 'enforce',
      } as unknown as SecurityPolicyViolationEvent),
    )
    reporter.reportPerformanceIssue({
      name: 'long-frame',
      value: 180,
      threshold: 50,
      unit: 'ms',
      attribution: { script: 'https://app.example/a.js', frames: 3 },
    })

    // @marco/analytics
    const analytics = new AnalyticsEngine()
    teardowns.push(analytics.setup(context))
    analytics.setSuperProperties({ plan: 'pro' })
    analytics.track('export', { format: 'svg', email: 'jane@example.com' })
    analytics.page('Board', { tab: 'layers' })
    analytics.identify('user-42', { seats: 3 })
    for (let i = 0; i < 200; i++) analytics.trackCanvasInteraction(i % 3 ? 'draw' : 'erase', i % 40)
    analytics.trackCanvasInteraction('draw', -5)
    analytics.trackGestureUsage('pinch', true)
    analytics.trackGestureUsage('pan', false)
    analytics.trackCollaborativeActions(3, 45)
    analytics.trackCollaborativeActions(4, 620)
    analytics.trackPerformanceMetrics(58, 120)
    analytics.trackPerformanceMetrics(31, 140)
    context.clock.advance(31 * MINUTE)
    // The session timed out: its summary, session_end and a new session_start before this track.
    analytics.track('resume')
    analytics.reset()

    // @marco/performance-analytics
    const perf = new PerformanceAnalytics({ summaryIntervalMs: 10_000 })
    teardowns.push(perf.setup(context))
    perf.onBudgetBreach((breach) => reporter.reportPerformanceIssue(breach))
    perf.monitorRealTimeMetrics()
    perf.onUserExperience(() => {})
    raf.frames(601, 1000 / 60)
    raf.frames(5, 70)
    observer.emit('long-animation-frame', [
      {
        entryType: 'long-animation-frame',
        duration: 260,
        blockingDuration: 210,
        scripts: [
          {
            duration: 230,
            invoker: 'BUTTON#export.onclick',
            invokerType: 'event-listener',
            sourceURL: 'https://app.example/assets/main.js',
            sourceFunctionName: 'exportSvg',
          },
        ],
      },
    ])
    observer.emit('resource', [
      { name: 'https://app.example/core.wasm', initiatorType: 'fetch', duration: 35.25, transferSize: 812_000 },
      { name: 'https://app.example/assets/main.js', initiatorType: 'script', duration: 12, transferSize: 40_000 },
      { name: 'https://app.example/smooth.worker.js', initiatorType: 'other', duration: 8, transferSize: 0 },
    ])
    // p95 over the 150 ms budget: a collaboration-p95 breach when the window closes.
    for (let i = 1; i <= 100; i++) perf.recordLatency(i * 3)
    perf.recordLatency(48, 'rtt')
    perf.recordOperation(12)
    perf.recordSyncLag(35)
    perf.recordWasmLoad({
      url: 'https://app.example/core.wasm',
      variant: 'simd',
      bytes: 812_000,
      cacheHit: false,
      fetchMs: 12.5,
      verifyMs: 1.2,
      compileMs: 3.4,
      instantiateMs: 0.8,
      totalMs: 18,
    })
    perf.registerWasmMemory(new WebAssembly.Memory({ initial: 2 }))
    perf.trackPeerConnection(peer as unknown as RTCPeerConnection)
    vi.advanceTimersByTime(2_000) // the getStats() poll
    for (const metric of VITALS) vitals.get(metric.name)!(metric)

    // @marco/experiments
    const smoothing = defineExperiment({
      key: 'stroke-smoothing',
      variants: ['on', 'off'],
      weights: [1, 1],
      coverage: 1,
      seed: 's1',
      namespace: { name: 'canvas', start: 0, end: 1 },
    })
    const experiments = new Experiments({ experiments: [smoothing], id: () => 'anon-7' })
    teardowns.push(experiments.setup(context))
    experiments.variant('stroke-smoothing')

    // @marco/workers
    const pool = new WorkerPool({
      url: '/geometry.worker.js',
      size: 1,
      reportIntervalMs: 1_000,
      createWorker: () => inProcessWorker({ area: (w: number, h: number) => w * h }),
    })
    teardowns.push(pool.setup(context))
    await pool.run('area', [3, 4])
    vi.advanceTimersByTime(1_000)
    pool.terminate()

    // Memory readings and getStats() answer asynchronously; then the page is hidden.
    await new Promise((resolve) => setImmediate(resolve))
    scope.dispatch('pagehide', { persisted: false })
    const batchContext = { ...analytics.batchContext(), ...experiments.batchContext(), release: '2.4.0' }
    for (const teardown of teardowns) teardown()

    // Breadcrumb data JSON cannot take (a BigInt) makes the scrubber replace a crash payload whole: it arrives
    // without its fields (today as {"0": "[", "1": "F", …}). Still what the SDK sends: it must not cost the batch.
    const other = createFakeContext({ consent: { defaults: { crash: 'granted' } } })
    const collapsed = new CrashReporter({ breadcrumbs: false })
    const stop = collapsed.setup(other)
    collapsed.addBreadcrumb({ category: 'canvas', data: { strokes: 10n } })
    collapsed.captureMessage('low memory', 'warning')
    stop()
    return { events: [...context.queue.events, ...other.queue.events], context: batchContext }
  } finally {
    vi.useRealTimers()
  }
}

/** A batch as it travels: JSON (undefined fields left out). */
function wire(events: readonly SdkEvent[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return JSON.parse(JSON.stringify(batch(events as unknown as TestEvent[], overrides)))
}

/** A JSON copy of an event with a new id, for a batch of its own. */
function copy(event: SdkEvent): SdkEvent & { payload: Record<string, any> } {
  return { ...JSON.parse(JSON.stringify(event)), id: createId() }
}

type Hostile = [
  type: string,
  what: string,
  change: (payload: Record<string, any>) => void,
  path: string,
  message: string,
]

/** One wrong field (at least) per payload type, where the collector's answer must point. */
const HOSTILE: Hostile[] = [
  ['track', 'name: 42', (p) => (p.name = 42), '/payload/name', 'must be string'],
  ['track', 'properties: a list', (p) => (p.properties = [1, 2]), '/payload/properties', 'must be object'],
  ['page', 'url: a number', (p) => (p.url = 7), '/payload/url', 'must be string'],
  ['identify', "traits: 'vip'", (p) => (p.traits = 'vip'), '/payload/traits', 'must be object'],
  ['session_start', 'anonymousId: a number', (p) => (p.anonymousId = 12), '/payload/anonymousId', 'must be string'],
  ['session_end', "durationMs: '5 min'", (p) => (p.durationMs = '5 min'), '/payload/durationMs', 'must be number'],
  [
    'canvas_summary',
    'a histogram count of -5',
    (p) => (p.canvas.draw.count = -5),
    '/payload/canvas/draw/count',
    'must be >= 0',
  ],
  [
    'canvas_summary',
    "a latency bucket of 'x'",
    (p) => (p.collaboration.latencyMs.hist[2] = 'x'),
    '/payload/collaboration/latencyMs/hist/2',
    'must be integer',
  ],
  [
    'canvas_summary',
    'a gesture success of 1.5',
    (p) => (p.gestures.pinch.success = 1.5),
    '/payload/gestures/pinch/success',
    'must be integer',
  ],
  ['web_vital', "value: 'fast'", (p) => (p.value = 'fast'), '/payload/value', 'must be number'],
  ['web_vital', 'a negative value', (p) => (p.value = -1), '/payload/value', 'must be >= 0'],
  [
    'web_vital',
    "name: 'FID'",
    (p) => (p.name = 'FID'),
    '/payload/name',
    'must be equal to one of the allowed values ("LCP", "INP", "CLS", "FCP", "TTFB")',
  ],
  ['web_vital', 'no value', (p) => delete p.value, '/payload', "must have required property 'value'"],
  ['perf_summary', "frames.fps: 'smooth'", (p) => (p.frames.fps = 'smooth'), '/payload/frames/fps', 'must be number'],
  [
    'perf_summary',
    'peersConnected: -1',
    (p) => (p.collab.peersConnected = -1),
    '/payload/collab/peersConnected',
    'must be >= 0',
  ],
  ['budget_breach', "value: '420ms'", (p) => (p.value = '420ms'), '/payload/value', 'must be number'],
  ['worker_pool', 'completed: 1.5', (p) => (p.completed = 1.5), '/payload/completed', 'must be integer'],
  ['exception', "exceptions: 'x'", (p) => (p.exceptions = 'x'), '/payload/exceptions', 'must be array'],
  [
    'exception',
    'a frame line of -1',
    (p) => (p.exceptions[0].frames[0].line = -1),
    '/payload/exceptions/0/frames/0/line',
    'must be >= 0',
  ],
  [
    'exception',
    "a frame line of '12'",
    (p) => (p.exceptions[0].frames[0].line = '12'),
    '/payload/exceptions/0/frames/0/line',
    'must be integer',
  ],
  ['exception', 'count: 0', (p) => (p.count = 0), '/payload/count', 'must be >= 1'],
  ['message', 'message: an object', (p) => (p.message = { text: 'x' }), '/payload/message', 'must be string'],
  ['csp_violation', "line: '2'", (p) => (p.line = '2'), '/payload/line', 'must be integer'],
  [
    'performance_issue',
    "metric.value: 'slow'",
    (p) => (p.metric.value = 'slow'),
    '/payload/metric/value',
    'must be number',
  ],
  ['experiment_exposure', 'variant: 7', (p) => (p.variant = 7), '/payload/variant', 'must be string'],
  ['experiment_exposure', 'coverage: 2', (p) => (p.coverage = 2), '/payload/coverage', 'must be <= 1'],
  ['crash_count', "count: 'many'", (p) => (p.count = 'many'), '/payload/count', 'must be integer'],
]

const validate = loadBatchValidator()
let events: SdkEvent[]
let batchContext: Record<string, unknown>
let collector: Collector
let cleanup: () => void

beforeAll(async () => {
  ;({ events, context: batchContext } = await produceSdkEvents())
  const temp = tempDir()
  cleanup = temp.cleanup
  collector = await startCollector({ port: 0, dbPath: temp.db, rateLimit: false })
})
afterAll(async () => {
  await collector?.close()
  cleanup?.()
})

const ofType = (type: string): SdkEvent => {
  const found = events.find((event) => event.type === type)
  if (!found) throw new Error(`no ${type} event was produced`)
  return found
}
const storedIds = async (): Promise<string[]> =>
  (await getJson<{ events: { id: string }[] }>(`${collector.url}/v1/events?limit=1000`)).events.map((e) => e.id)

describe('batch.v1.json: the SDK packages’ payloads', () => {
  it('produces every event type the packages send, and each of them validates', () => {
    expect([...new Set(events.map((event) => event.type))].sort()).toEqual([...SDK_TYPES].sort())
    for (const event of events) expect(validate(wire([event])), JSON.stringify(event)).toEqual([])
    expect(validate(wire(events, { context: batchContext }))).toEqual([])
  })

  it('keeps payloads open: fields an app adds (beforeSend) pass, and so does each payload cut to its required fields', () => {
    for (const event of events) {
      const added = { ...event, id: createId(), payload: { ...event.payload, appBuild: 812, debug: { at: [1, 'a'] } } }
      const required = REQUIRED[event.type] ?? []
      const cut = {
        ...event,
        id: createId(),
        payload: Object.fromEntries(Object.entries(event.payload).filter(([key]) => required.includes(key))),
      }
      expect(validate(wire([added, cut])), event.type).toEqual([])
    }
  })

  it('stores them all in a real collector: 200 for the batch, every event kept', async () => {
    const response = await post(`${collector.url}/v1/batch`, wire(events, { context: batchContext }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ accepted: events.length, stored: events.length, duplicates: 0 })
    const stored = await getJson<{ events: { id: string; type: string }[] }>(`${collector.url}/v1/events?limit=1000`)
    const mine = stored.events.filter((event) => events.some((sent) => sent.id === event.id))
    expect(mine).toHaveLength(events.length)
    expect(new Set(mine.map((event) => event.type))).toEqual(new Set(SDK_TYPES))
  })

  it("reaches the collector through @marco/core's EventQueue with nothing rejected", async () => {
    const queue = new EventQueue({
      endpoint: `${collector.url}/v1/batch`,
      storage: false,
      sdk: { name: '@marco/runtime', version: '0.1.0' },
      context: () => batchContext,
    })
    const fresh = events.map((event) => ({ ...event, id: createId() }))
    for (const event of fresh) queue.push(event)
    expect(await queue.flush()).toEqual({ sent: fresh.length, dropped: 0, pending: 0 })
    await queue.stop()
    const ids = new Set(await storedIds())
    expect(fresh.filter((event) => !ids.has(event.id))).toEqual([])
  })
})

describe('batch.v1.json: hostile payloads', () => {
  it.each(HOSTILE)(
    '%s with %s: the validator and a 400 name the event and the field, nothing of the batch is stored',
    async (type, _what, change, path, message) => {
      const good = copy(ofType('track'))
      const bad = copy(ofType(type))
      change(bad.payload)
      const body = wire([good, bad])
      // The validator stops at the first problem: the field, then the type's branch (`if`/`then`) it failed.
      const problems = validate(body)
      expect(problems[0]).toEqual({ path: `/events/1${path}`, message })
      expect(problems.every((problem) => problem.path.startsWith('/events/1'))).toBe(true)

      const response = await post(`${collector.url}/v1/batch`, body)
      expect(response.status).toBe(400)
      const answer = await response.json()
      expect(answer).toMatchObject({ error: 'schema_violation', problems, invalidEvents: [{ index: 1, id: bad.id }] })
      expect(answer.message).toContain(`the batch does not match batch.v1.json: /events/1${path} ${message}`)
      const ids = await storedIds()
      expect(ids).not.toContain(good.id)
      expect(ids).not.toContain(bad.id)
    },
  )
})

describe('batch.v1.json: an app’s own event types', () => {
  it('passes an unknown type with any object payload, and stores it', async () => {
    const custom = [
      { type: 'app:checkout', payload: { value: 'fast', exceptions: 'x', count: -5, name: 7, line: -1 } },
      { type: 'stamp', payload: {} },
      // Types are matched exactly: `Track` is an app's own.
      { type: 'Track', payload: { name: { first: 'a' }, properties: [1] } },
    ].map(({ type, payload }) => ({ ...copy(ofType('track')), type, payload }))
    expect(validate(wire(custom))).toEqual([])
    const response = await post(`${collector.url}/v1/batch`, wire(custom))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ accepted: 3, stored: 3, duplicates: 0 })
    // The envelope still holds for them: the payload is an object.
    expect(validate(wire([{ ...custom[0]!, payload: [] as never }]))).toEqual([
      { path: '/events/0/payload', message: 'must be object' },
    ])
  })
})

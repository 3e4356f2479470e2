import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AnalyticsEngine } from '@marco/analytics'
import { EventQueue, type CoreContext, type Feature, type Teardown, type WasmLoadTiming } from '@marco/core'
import { CrashReporter, createSentryTransport } from '@marco/crash-reporter'
import { createSegmentTransport } from '@marco/analytics'
import { defineExperiment, Experiments } from '@marco/experiments'
import { createOtlpTransport, PerformanceAnalytics } from '@marco/performance-analytics'
import { createFakeScope, startTestCollector, type TestCollector } from '@marco/testing'
import { createMarcoClient } from './createMarcoClient'
import type { MarcoConfig } from './MarcoRuntime'

let collector: TestCollector
beforeEach(async () => {
  collector = await startTestCollector()
})
afterEach(() => collector.close())

const received = () =>
  collector.requests.flatMap(
    (request) =>
      (request.body as { events: { type: string; category: string; payload: any; sessionId: string }[] }).events,
  )

function client(config: MarcoConfig = {}) {
  return createMarcoClient({
    endpoint: collector.endpoint,
    scope: createFakeScope({ overrides: { fetch, console } }),
    queue: { storage: false },
    ...config,
  })
}

/** A feature that records what happens to it. */
class Probe implements Feature {
  log: string[] = []
  constructor(
    readonly name: string,
    private readonly order: string[],
  ) {}
  setup(_context: CoreContext): Teardown {
    this.order.push(`setup ${this.name}`)
    return () => this.order.push(`teardown ${this.name}`)
  }
}

describe('MarcoRuntime', () => {
  it('runs the features it is given, in any order, on one context, one session and one queue', async () => {
    for (const features of [
      [new CrashReporter({ globalHandlers: false, breadcrumbs: false }), new AnalyticsEngine({ autoPageViews: false })],
      [new AnalyticsEngine({ autoPageViews: false }), new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
    ]) {
      collector.requests.length = 0
      const marco = client({
        features,
        consent: { defaults: { analytics: 'granted', crash: 'granted' } },
        release: '2.0.3',
      }).start()
      marco.get(AnalyticsEngine)!.track('export', { format: 'svg' })
      marco.get(CrashReporter)!.captureException(new Error('boom'))
      await marco.shutdown()
      const events = received()
      expect(events.map((event) => event.type).sort()).toEqual(['exception', 'session_start', 'track'])
      // One session for every feature: the analytics session.
      expect(new Set(events.map((event) => event.sessionId)).size).toBe(1)
      expect(collector.requests).toHaveLength(1)
      expect(collector.requests[0]!.body as { sdk: unknown; context: unknown }).toMatchObject({
        sdk: { name: '@marco/runtime' },
        context: { release: '2.0.3' },
      })
    }
  })

  it('runs with only the crash reporter, and with no feature at all', async () => {
    const marco = client({
      features: [new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
      consent: { defaults: { crash: 'granted' } },
    }).start()
    expect(marco.get(AnalyticsEngine)).toBeUndefined()
    marco.get(CrashReporter)!.captureMessage('hello', 'info')
    await marco.shutdown()
    expect(received().map((event) => event.type)).toEqual(['message'])
    const empty = client().start()
    await empty.shutdown()
  })

  it('reports a feature whose setup throws and still starts the others', async () => {
    const order: string[] = []
    const errors: unknown[] = []
    const broken: Feature = {
      name: 'broken',
      setup() {
        throw new Error('cannot start')
      },
    }
    const marco = client({ features: [new Probe('a', order), broken, new Probe('b', order)] })
    marco.on('error', (error) => errors.push(error))
    expect(() => marco.start()).not.toThrow()
    expect(order).toEqual(['setup a', 'setup b'])
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'cannot start',
      'feature "broken" failed to start',
    ])
    await marco.shutdown()
  })

  it('tears features down in reverse order, once, and start twice does nothing', async () => {
    const order: string[] = []
    const warn = vi.fn()
    const marco = createMarcoClient({
      endpoint: collector.endpoint,
      debug: true,
      scope: createFakeScope({ overrides: { console: { warn } } }),
      features: [new Probe('a', order), new Probe('b', order), new Probe('c', order)],
    })
    marco.start()
    marco.start()
    await marco.shutdown()
    await marco.shutdown()
    expect(order).toEqual(['setup a', 'setup b', 'setup c', 'teardown c', 'teardown b', 'teardown a'])
    expect(warn.mock.calls.filter(([message]) => String(message).includes('start() called twice'))).toHaveLength(1)
  })

  it('replays calls made before start', async () => {
    const analytics = new AnalyticsEngine({ autoPageViews: false })
    const marco = client({ features: [analytics], consent: { defaults: { analytics: 'granted' } } })
    analytics.track('before-start')
    marco.start()
    await marco.shutdown()
    expect(received().map((event) => event.type)).toEqual(['session_start', 'track'])
  })

  it('purges the queued data of a category when its consent is revoked', async () => {
    collector.reply = () => 'network-error'
    const marco = client({
      features: [
        new CrashReporter({ globalHandlers: false, breadcrumbs: false }),
        new AnalyticsEngine({ autoPageViews: false }),
      ],
      consent: { defaults: { analytics: 'granted', crash: 'granted' } },
      queue: { storage: false, retryBaseMs: 1, retryMaxMs: 5 },
    }).start()
    const dropped: unknown[] = []
    marco.on('dropped', (drop) => dropped.push(drop))
    marco.get(CrashReporter)!.captureException(new Error('kept'))
    marco.get(AnalyticsEngine)!.track('purged')
    const stored = () =>
      collector.requests
        .filter((request) => request.status === 200)
        .flatMap((request) => (request.body as { events: { type: string }[] }).events)
    await marco.flush()
    // Tried and failed (a retry 1–5 ms later may have failed too): both events wait.
    expect(collector.requests.length).toBeGreaterThan(0)
    expect(stored()).toEqual([])
    marco.consent.deny('analytics')
    collector.reply = () => ({ status: 200 })
    await vi.waitFor(async () => {
      await marco.flush()
      expect(stored().map((event) => event.type)).toEqual(['exception'])
    })
    expect(dropped).toEqual([{ category: 'analytics', reason: 'consent_revoked', count: 2 }])
    await marco.shutdown()
  })

  it('routes a budget breach to the crash reporter, a CSP violation to the crash reporter, and a wasm load to performance analytics', async () => {
    const loads: unknown[] = []
    let breach: ((value: unknown) => void) | undefined
    let csp: ((value: unknown) => void) | undefined
    let load: ((value: unknown) => void) | undefined
    const perf = {
      name: 'perf',
      setup: () => () => {},
      onBudgetBreach: (listener: (value: unknown) => void) => ((breach = listener), () => (breach = undefined)),
      recordWasmLoad: (profile: unknown) => loads.push(profile),
    }
    const security = {
      name: 'csp',
      setup: () => () => {},
      onCspViolation: (listener: (value: unknown) => void) => ((csp = listener), () => (csp = undefined)),
    }
    const wasm = {
      name: 'wasm',
      setup: () => () => {},
      onLoad: (listener: (value: unknown) => void) => ((load = listener), () => (load = undefined)),
    }
    const budgets: unknown[] = []
    const violations: unknown[] = []
    const marco = client({
      features: [perf, security, wasm, new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
      consent: { defaults: { crash: 'granted' } },
    })
    marco.on('budget', (value) => budgets.push(value))
    marco.on('csp-violation', (value) => violations.push(value))
    marco.start()
    breach!({ metric: 'INP', value: 420, threshold: 200 })
    csp!({
      directive: 'script-src-elem',
      blockedUri: 'inline',
      documentUri: 'https://marco.test/',
      sourceFile: 'https://marco.test/',
      line: 3,
      column: 1,
      sample: '',
      disposition: 'enforce',
    })
    load!({ bytes: 1024, cacheHit: false, totalMs: 40 })
    await marco.shutdown()
    expect(budgets).toHaveLength(1)
    expect(violations).toHaveLength(1)
    expect(loads).toEqual([{ bytes: 1024, cacheHit: false, totalMs: 40 }])
    expect(
      received()
        .map((event) => event.type)
        .sort(),
    ).toEqual(['csp_violation', 'performance_issue'])
    // Torn down: no listener is left behind.
    expect([breach, csp, load]).toEqual([undefined, undefined, undefined])
  })

  it('sends a wasm load that finished before start() in the first performance summary', async () => {
    let load: ((value: WasmLoadTiming) => void) | undefined
    const wasm = {
      name: 'wasm',
      setup: () => () => {},
      onLoad: (listener: (value: WasmLoadTiming) => void) => ((load = listener), () => (load = undefined)),
    }
    const marco = client({
      features: [new PerformanceAnalytics(), wasm],
      consent: { defaults: { performance: 'granted' } },
    })
    // The app's core loads first thing; the client starts later (after its config, or on idle).
    load!({ url: '/core.wasm', bytes: 2048, cacheHit: true, totalMs: 12 } as WasmLoadTiming)
    marco.start()
    await marco.shutdown()
    const summaries = received().filter((event) => event.type === 'perf_summary')
    expect(summaries.flatMap((event) => event.payload.wasmLoads ?? [])).toEqual([
      expect.objectContaining({ url: '/core.wasm', bytes: 2048, cacheHit: true, totalMs: 12 }),
    ])
    expect(load).toBeUndefined()
  })

  it('passes errors inside features to the error listeners, never to the page', async () => {
    const errors: unknown[] = []
    const throwing = {
      name: 'throwing',
      setup: () => () => {},
      onBudgetBreach: () => {
        throw new Error('wiring failed')
      },
    }
    const marco = client({ features: [throwing] })
    marco.on('error', (error) => errors.push(error))
    marco.on('error', () => {
      throw new Error('a listener that throws is skipped')
    })
    expect(() => marco.start()).not.toThrow()
    expect((errors[0] as Error).message).toBe('wiring failed')
    await marco.shutdown()
  })

  it('sends nothing for a session outside sampleRate', async () => {
    const marco = client({
      sampleRate: 0,
      features: [new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
      consent: { defaults: { crash: 'granted' } },
    }).start()
    marco.get(CrashReporter)!.captureException(new Error('not sampled'))
    await marco.shutdown()
    expect(collector.requests).toHaveLength(0)
  })

  it('warns once per malformed option and runs with safe defaults instead of throwing', async () => {
    const warn = vi.fn()
    const scope = createFakeScope({ overrides: { console: { warn } } })
    const marco = createMarcoClient({
      debug: true,
      scope,
      endpoint: 42 as never,
      sampleRate: 7,
      features: 'all' as never,
      colour: 'blue',
    } as MarcoConfig)
    expect(() => marco.start()).not.toThrow()
    const messages = warn.mock.calls.map(([message]) => String(message))
    expect(messages.some((message) => message.includes('config.endpoint'))).toBe(true)
    expect(messages.some((message) => message.includes('config.sampleRate'))).toBe(true)
    expect(messages.some((message) => message.includes('config.features'))).toBe(true)
    expect(messages.some((message) => message.includes('config.colour'))).toBe(true)
    expect(() => createMarcoClient(null as never).start()).not.toThrow()
    await marco.shutdown()
  })
})

describe('MarcoRuntime with a wire adapter as its transport', () => {
  /** Keeps the raw bodies POSTed to `path` on the local collector, answering 200. */
  function receive(path: string): string[] {
    const bodies: string[] = []
    collector.routes.set(path, (req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk))
      req.on('end', () => {
        bodies.push(body)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    return bodies
  }

  it('sends crash events as a Sentry envelope', async () => {
    const bodies = receive('/api/42/envelope/')
    const dsn = `${collector.origin.replace('//', '//publickey@')}/42`
    const marco = client({
      transport: createSentryTransport({ dsn }),
      consent: { defaults: { crash: 'granted' } },
      features: [new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
    }).start()
    marco.get(CrashReporter)!.captureException(new TypeError('through sentry'))
    await marco.shutdown()
    expect(bodies).toHaveLength(1)
    const [header, item, event] = bodies[0]!.split('\n').map((line) => JSON.parse(line))
    expect(header.dsn).toBe(dsn)
    expect(item).toEqual({ type: 'event' })
    expect(event.exception.values[0]).toMatchObject({ type: 'TypeError', value: 'through sentry' })
    expect(collector.requests).toHaveLength(0)
  })

  it('sends performance events as OTLP/HTTP JSON metrics', async () => {
    const bodies = receive('/v1/metrics')
    const marco = client({
      transport: createOtlpTransport({ endpoint: collector.origin, resource: { 'service.name': 'marco-test' } }),
      consent: { defaults: { performance: 'granted' } },
      features: [new PerformanceAnalytics()],
    }).start()
    const perf = marco.get(PerformanceAnalytics)!
    perf.recordLatency(42)
    await perf.flush()
    await marco.shutdown()
    expect(bodies).toHaveLength(1)
    const { resourceMetrics } = JSON.parse(bodies[0]!)
    expect(resourceMetrics[0].resource.attributes).toContainEqual({
      key: 'service.name',
      value: { stringValue: 'marco-test' },
    })
    expect(resourceMetrics[0].scopeMetrics[0].metrics.length).toBeGreaterThan(0)
  })

  it('sends analytics events as a Segment batch', async () => {
    const bodies = receive('/segment/batch')
    const marco = client({
      transport: createSegmentTransport({ writeKey: 'key', endpoint: `${collector.origin}/segment/batch` }),
      consent: { defaults: { analytics: 'granted' } },
      features: [new AnalyticsEngine({ autoPageViews: false })],
    }).start()
    marco.get(AnalyticsEngine)!.track('export', { format: 'svg' })
    await marco.shutdown()
    expect(bodies).toHaveLength(1)
    const { batch } = JSON.parse(bodies[0]!)
    expect(batch).toContainEqual(
      expect.objectContaining({ type: 'track', event: 'export', properties: { format: 'svg' } }),
    )
  })
})

describe('MarcoRuntime with the real CSP reporting and crash reporter', () => {
  it('turns a securitypolicyviolation into one csp_violation event and one csp-violation notice', async () => {
    const { CspReporting } = await import('@marco/security')
    const scope = createFakeScope({ overrides: { fetch, console } })
    const marco = createMarcoClient({
      endpoint: collector.endpoint,
      scope,
      queue: { storage: false },
      consent: { defaults: { crash: 'granted' } },
      features: [new CrashReporter({ breadcrumbs: false }), new CspReporting()],
    })
    const notices: unknown[] = []
    marco.on('csp-violation', (violation) => notices.push(violation))
    marco.start()
    // One listener: CspReporting's (the crash reporter has none of its own).
    expect(scope.listenerCount('securitypolicyviolation')).toBe(1)
    scope.dispatch('securitypolicyviolation', {
      effectiveDirective: 'script-src-elem',
      violatedDirective: 'script-src-elem',
      blockedURI: 'inline',
      sourceFile: 'https://marco.test/',
      lineNumber: 12,
      columnNumber: 3,
      disposition: 'enforce',
      sample: 'alert(1)',
    })
    await marco.shutdown()
    expect(notices).toHaveLength(1)
    const events = received().filter((event) => event.type === 'csp_violation')
    // Heard once, sent once, standing for one occurrence.
    expect(events).toHaveLength(1)
    expect(events[0]!.payload).toMatchObject({ directive: 'script-src-elem', blockedUri: 'inline', line: 12, count: 1 })
    expect(received().filter((event) => event.type === 'crash_count')).toEqual([])
  })
})

// Found by a hostile review; each of these failed before its fix.
describe('createMarcoClient: what the client owes the page whatever the app does', () => {
  it('after shutdown(), a consent granted later starts no new pipeline (no listeners left on the page)', async () => {
    const scope = createFakeScope({ overrides: { fetch, console } })
    const client = createMarcoClient({
      endpoint: collector.endpoint,
      scope,
      queue: { storage: false },
      features: [new AnalyticsEngine({ autoPageViews: false })],
    }).start()
    await client.shutdown()
    expect(scope.listenerCount()).toBe(0)
    // The consent banner is answered after the SPA tore the client down.
    client.consent.grant('analytics')
    expect(scope.listenerCount()).toBe(0)
  })

  it('shutdown() flushes and stops a custom sink as it does its own queue', async () => {
    const scope = createFakeScope({ overrides: { fetch, console } })
    const sink = new EventQueue({ endpoint: collector.endpoint, scope, storage: false, flushIntervalMs: 60_000 })
    const client = createMarcoClient({
      sink,
      scope,
      consent: { defaults: { crash: 'granted' } },
      features: [new CrashReporter({ globalHandlers: false, breadcrumbs: false })],
    }).start()
    client.get(CrashReporter)!.captureException(new Error('last words'))
    try {
      await client.shutdown()
      expect(received().map((event) => event.type)).toEqual(['exception'])
      expect(scope.listenerCount()).toBe(0) // the pipeline is stopped
    } finally {
      await sink.stop()
    }
  })

  it('keeps release and environment in every batch when one feature’s batchContext throws', async () => {
    const broken: Feature & { batchContext(): Record<string, unknown> } = {
      name: 'broken',
      setup: (_context: CoreContext) => () => {},
      batchContext: () => {
        throw new Error('no context today')
      },
    }
    const client = createMarcoClient({
      endpoint: collector.endpoint,
      scope: createFakeScope({ overrides: { fetch, console } }),
      queue: { storage: false },
      release: '2.0.3',
      environment: 'production',
      consent: { defaults: { crash: 'granted' } },
      features: [new CrashReporter({ globalHandlers: false, breadcrumbs: false }), broken],
    }).start()
    client.get(CrashReporter)!.captureMessage('hello', 'info')
    await client.shutdown()
    expect(collector.requests).toHaveLength(1)
    expect((collector.requests[0]!.body as { context?: unknown }).context).toMatchObject({
      release: '2.0.3',
      environment: 'production',
    })
  })

  it('never throws for a malformed option whose value cannot be turned into a string', () => {
    const release = Object.create(null) as never // e.g. a config object parsed with a null prototype
    expect(() => createMarcoClient({ endpoint: '/v1/batch', release })).not.toThrow()
  })

  it('after analytics.reset() (logout), no event of the new session carries the previous user id', async () => {
    const smoothing = defineExperiment({ key: 'smoothing', variants: ['off', 'on'] })
    let userId: string | undefined = 'user-42'
    const analytics = new AnalyticsEngine({ autoPageViews: false })
    const experiments = new Experiments({ experiments: [smoothing], id: () => userId })
    const client = createMarcoClient({
      endpoint: collector.endpoint,
      scope: createFakeScope({ overrides: { fetch, console } }),
      queue: { storage: false },
      consent: { defaults: { analytics: 'granted' } },
      features: [analytics, experiments],
    }).start()
    analytics.identify('user-42')
    experiments.variant('smoothing') // the exposure of this session, hashed with the user id
    // The user logs out: the app forgets its user and resets analytics (new anonymous id, new session).
    analytics.reset()
    userId = undefined
    experiments.variant('smoothing') // the page re-renders
    await client.shutdown()
    const events = received() as unknown as { type: string; sessionId: string; payload: { unitId?: string } }[]
    const after = events.find((event) => event.type === 'session_start' && events.indexOf(event) > 0)!.sessionId
    const leaked = events.filter((event) => event.sessionId === after && JSON.stringify(event).includes('user-42'))
    expect(leaked).toEqual([])
  })
})

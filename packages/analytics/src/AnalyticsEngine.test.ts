import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeContext,
  createFakeScope,
  createLockRegistry,
  createMemoryStorage,
  startTestCollector,
  type FakeContext,
} from '@marco/testing'
import { AnalyticsEngine } from './AnalyticsEngine'

const MINUTE = 60_000

function setup(options: ConstructorParameters<typeof AnalyticsEngine>[0] = {}, context: FakeContext = granted()) {
  const engine = new AnalyticsEngine({ autoPageViews: false, ...options })
  const teardown = engine.setup(context)
  return { engine, context, teardown, sink: context.queue }
}

function granted(scope = createFakeScope()): FakeContext {
  return createFakeContext({ scope, consent: { defaults: { analytics: 'granted' } } })
}

function summaryOf(context: FakeContext): Record<string, any> {
  context.scope.dispatch('pagehide')
  const summaries = context.queue.ofType('canvas_summary')
  return summaries[summaries.length - 1]!.payload
}

describe('AnalyticsEngine', () => {
  it('records nothing and stores nothing before analytics consent', () => {
    const scope = createFakeScope()
    const context = createFakeContext({ scope })
    const { engine, sink } = setup({}, context)
    engine.track('export', { format: 'svg' })
    engine.page()
    engine.identify('user-1')
    for (let i = 0; i < 100; i++) engine.trackCanvasInteraction('draw', 16)
    scope.dispatch('pagehide')
    expect(sink.events).toEqual([])
    expect(scope.localStorage!.length).toBe(0)
  })

  it('starts a session and stores the anonymous id once consent is granted', () => {
    const scope = createFakeScope()
    const context = createFakeContext({ scope })
    const { engine, sink } = setup({}, context)
    context.consent.grant('analytics')
    engine.track('export', { format: 'svg' })
    expect(sink.events.map((event) => event.type)).toEqual(['session_start', 'track'])
    const [start, track] = sink.events
    expect(track!.payload).toMatchObject({ name: 'export', properties: { format: 'svg' } })
    expect(track!.payload.anonymousId).toBe(start!.payload.anonymousId)
    expect(track!.sessionId).toBe(engine.sessionId())
    expect(track!.category).toBe('analytics')
    expect(JSON.parse(scope.localStorage!.getItem('marco_analytics')!)).toMatchObject({
      aid: track!.payload.anonymousId,
      sid: engine.sessionId(),
    })
  })

  it('checks event names and properties against the catalogue at compile time', () => {
    type Events = { export: { format: 'svg' | 'png' }; share: { to: string } }
    const context = granted()
    const engine = new AnalyticsEngine<Events>({ autoPageViews: false })
    engine.setup(context)
    engine.track('export', { format: 'svg' })
    // @ts-expect-error 'gif' is not a format of the catalogue
    engine.track('export', { format: 'gif' })
    // @ts-expect-error 'print' is not in the catalogue
    engine.track('print', {})
    expect(context.queue.ofType('track').map((event) => event.payload.name)).toEqual(['export', 'export', 'print'])
  })

  it('pre-aggregates 1,000 canvas interactions into one summary event sent on page hide', () => {
    const { engine, context } = setup()
    for (let i = 0; i < 1_000; i++) engine.trackCanvasInteraction('draw', i % 40)
    engine.trackGestureUsage('pinch', true)
    engine.trackGestureUsage('pinch', false)
    engine.trackCollaborativeActions(3, 45)
    engine.trackPerformanceMetrics(58, 120)
    expect(context.queue.ofType('canvas_summary')).toHaveLength(0)
    const summary = summaryOf(context)
    expect(context.queue.ofType('canvas_summary')).toHaveLength(1)
    expect(summary.canvas.draw).toMatchObject({ count: 1_000, min: 0, max: 39 })
    expect(summary.gestures).toEqual({ pinch: { count: 2, success: 1 } })
    expect(summary.collaboration.users).toMatchObject({ count: 1, max: 3 })
    expect(summary.performance.fps).toMatchObject({ count: 1, min: 58 })
  })

  it('sends a summary every summaryIntervalMs while something happens', () => {
    vi.useFakeTimers()
    try {
      const { engine, context } = setup({ summaryIntervalMs: 5_000 })
      engine.trackCanvasInteraction('draw', 3)
      vi.advanceTimersByTime(5_000)
      vi.advanceTimersByTime(5_000)
      engine.trackCanvasInteraction('draw', 4)
      vi.advanceTimersByTime(5_000)
      expect(context.queue.ofType('canvas_summary').map((event) => (event.payload as any).canvas.draw.count)).toEqual([
        1, 1,
      ])
    } finally {
      vi.useRealTimers()
    }
  })

  it('clamps or drops bad input with a counted reason, warning once per reason, never throwing', () => {
    const warn = vi.fn()
    const scope = createFakeScope({ overrides: { console: { warn } } })
    const { engine, context } = setup({ debug: true }, granted(scope))
    expect(() => {
      engine.trackCanvasInteraction('draw', Number.NaN)
      engine.trackCanvasInteraction('draw', Number.NaN)
      engine.trackCanvasInteraction('draw', -5)
      engine.trackCanvasInteraction('x'.repeat(10_000), 5)
      engine.trackGestureUsage('lasso', true)
      engine.trackCollaborativeActions(-2, 30)
      engine.trackCollaborativeActions(Number.POSITIVE_INFINITY, 30)
      engine.trackPerformanceMetrics(Number.NaN, 1)
      engine.track('x'.repeat(10_000) as never, {})
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      engine.track('cycle', cyclic)
      engine.track('big', { blob: 'y'.repeat(20_000) })
      engine.track('list', [1, 2] as never)
      engine.identify('' as never)
    }).not.toThrow()
    const summary = summaryOf(context)
    expect(summary.rejected).toEqual({
      invalid_duration: 2,
      duration_below_0: 1,
      invalid_action: 1,
      unknown_gesture: 1,
      users_below_0: 1,
      invalid_collaboration: 1,
      invalid_performance: 1,
      invalid_name: 1,
      invalid_properties: 2,
      properties_too_large: 1,
      invalid_user_id: 1,
    })
    expect(summary.canvas.draw).toMatchObject({ count: 1, min: 0 })
    expect(summary.collaboration.users).toMatchObject({ min: 0 })
    // The clamped calls and the properties that could not be kept still record what they could.
    expect(context.queue.ofType('track').map((event) => [event.payload.name, event.payload.properties])).toEqual([
      ['cycle', {}],
      ['big', {}],
      ['list', {}],
    ])
    expect(warn).toHaveBeenCalledTimes(11)
  })

  it('accepts the app’s own gestures when registered', () => {
    const { engine, context } = setup({ gestures: ['lasso'] })
    engine.trackGestureUsage('lasso', true)
    engine.trackGestureUsage('double-tap', true)
    expect(summaryOf(context).gestures).toEqual({
      lasso: { count: 1, success: 1 },
      'double-tap': { count: 1, success: 1 },
    })
  })

  it('scrubs personal data from properties and traits', () => {
    const { engine, context } = setup()
    engine.track('signup', { email: 'ada@example.com', plan: 'pro', note: 'call me at ada@example.com' })
    engine.identify('user-7', { email: 'ada@example.com', name: 'Ada' })
    const [track] = context.queue.ofType('track')
    expect(track!.payload.properties).toEqual({ email: '[Filtered]', plan: 'pro', note: 'call me at [Filtered]' })
    const [identify] = context.queue.ofType('identify')
    expect(identify!.payload).toMatchObject({ userId: 'user-7', traits: { email: '[Filtered]', name: 'Ada' } })
  })

  it('rolls the session over after 30 minutes idle, and after 24 hours at most', () => {
    const { engine, context } = setup()
    engine.track('a')
    const first = engine.sessionId()
    context.clock.advance(29 * MINUTE)
    engine.track('b')
    expect(engine.sessionId()).toBe(first)
    context.clock.advance(31 * MINUTE)
    engine.track('c')
    const second = engine.sessionId()
    expect(second).not.toBe(first)
    const end = context.queue.ofType('session_end')[0]!
    expect(end.payload).toMatchObject({ durationMs: 29 * MINUTE, reason: 'timeout' })
    expect(end.sessionId).toBe(first)
    for (let i = 0; i <= 24 * 4; i++) {
      context.clock.advance(15 * MINUTE)
      engine.track('busy')
    }
    expect(context.queue.ofType('session_end').map((event) => event.payload.reason)).toEqual(['timeout', 'max_age'])
    expect(context.queue.ofType('session_start')).toHaveLength(3)
  })

  it('continues the stored session after a reload within 30 minutes, and closes a stale one', () => {
    const storage = createMemoryStorage()
    const first = setup({}, granted(createFakeScope({ localStorage: storage })))
    first.engine.track('before-reload')
    const { sessionId, payload } = first.context.queue.ofType('track')[0]!
    const again = setup({}, granted(createFakeScope({ localStorage: storage })))
    again.context.clock.setNow(first.context.clock.now() + 10 * MINUTE)
    again.engine.track('after-reload')
    expect(again.context.queue.ofType('track')[0]).toMatchObject({
      sessionId,
      payload: { anonymousId: payload.anonymousId },
    })
    expect(again.context.queue.ofType('session_start')).toHaveLength(0)

    const later = createFakeContext({ scope: createFakeScope({ localStorage: storage }) })
    later.clock.setNow(first.context.clock.now() + 2 * 60 * MINUTE)
    const third = setup({}, later)
    later.consent.grant('analytics')
    expect(later.queue.events.map((event) => event.type)).toEqual(['session_end', 'session_start'])
    expect(later.queue.events[0]!.sessionId).toBe(sessionId)
    // Ended with its own times: from the first page's start to its last use on the second page, 10 minutes in.
    expect(later.queue.events[0]!.payload).toMatchObject({ reason: 'timeout', durationMs: 10 * MINUTE })
    third.engine.track('x')
    expect(later.queue.ofType('track')[0]!.payload.anonymousId).toBe(payload.anonymousId)
  })

  it('purges the anonymous id, the session and the queued analytics events when consent is revoked', () => {
    const scope = createFakeScope()
    const { engine, context } = setup({}, granted(scope))
    engine.track('a')
    engine.trackCanvasInteraction('draw', 5)
    const anonymousId = context.queue.events[0]!.payload.anonymousId
    engine.optOut()
    expect(context.queue.purged).toEqual(['analytics'])
    expect(context.queue.events).toEqual([])
    expect(scope.localStorage!.getItem('marco_analytics')).toBeNull()
    scope.dispatch('pagehide')
    engine.track('while-out')
    expect(context.queue.events).toEqual([])
    engine.optIn()
    engine.track('back')
    expect(context.queue.ofType('track')[0]!.payload.anonymousId).not.toBe(anonymousId)
    expect(context.queue.ofType('canvas_summary')).toHaveLength(0)
  })

  it('honours Global Privacy Control when configured to', () => {
    const scope = createFakeScope({ navigator: { globalPrivacyControl: true } })
    const context = createFakeContext({
      scope,
      consent: { defaults: { analytics: 'granted' }, honorGlobalPrivacyControl: true },
    })
    const { engine } = setup({}, context)
    engine.track('a')
    expect(context.queue.events).toEqual([])
  })

  it('ties events to the user after identify, and forgets them on reset', () => {
    const { engine, context } = setup()
    engine.setSuperProperties({ plan: 'pro' })
    engine.identify('user-1', { name: 'Ada' })
    engine.track('a', { tool: 'pen' })
    const before = context.queue.ofType('track')[0]!
    expect(before.payload).toMatchObject({ userId: 'user-1', properties: { plan: 'pro', tool: 'pen' } })
    engine.reset()
    engine.track('b')
    const after = context.queue.ofType('track')[1]!
    expect(after.payload.userId).toBeUndefined()
    expect(after.payload.properties).toEqual({})
    expect(after.payload.anonymousId).not.toBe(before.payload.anonymousId)
    expect(after.sessionId).not.toBe(before.sessionId)
    expect(context.queue.ofType('session_end')[0]!.payload.reason).toBe('reset')
  })

  it('keeps calls made before setup and replays them once set up (bounded)', () => {
    const engine = new AnalyticsEngine({ autoPageViews: false })
    engine.track('early')
    for (let i = 0; i < 500; i++) engine.trackCanvasInteraction('draw', 1)
    const context = granted()
    engine.setup(context)
    expect(context.queue.ofType('track')).toHaveLength(1)
    expect(summaryOf(context).canvas.draw.count).toBe(99)
  })

  it('stops cleanly: the last summary is sent and nothing is recorded after', () => {
    const { engine, context, teardown } = setup()
    engine.trackCanvasInteraction('draw', 5)
    teardown()
    teardown()
    expect(context.queue.ofType('canvas_summary')).toHaveLength(1)
    expect(context.scope.listenerCount()).toBe(0)
  })
})

describe('AnalyticsEngine used alone, against a real collector and IndexedDB', () => {
  const engines: AnalyticsEngine[] = []
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.stop()
  })

  it('makes zero requests and zero IndexedDB writes before consent, then delivers after opt-in', async () => {
    const collector = await startTestCollector()
    try {
      const before = (await indexedDB.databases()).map((db) => db.name)
      const scope = createFakeScope({
        navigator: { locks: createLockRegistry().client() },
        overrides: { fetch, indexedDB, location: new URL('https://marco.test/board?utm_source=mail') },
      })
      const engine = new AnalyticsEngine({
        endpoint: collector.endpoint,
        scope,
        queueOptions: { storageName: 'marco-analytics-consent' },
      })
      engines.push(engine)
      engine.track('early')
      for (let i = 0; i < 50; i++) engine.trackCanvasInteraction('draw', 8)
      scope.dispatch('pagehide')
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(collector.requests).toHaveLength(0)
      expect((await indexedDB.databases()).map((db) => db.name)).toEqual(before)

      engine.optIn()
      engine.track('export', { format: 'svg' })
      engine.trackCanvasInteraction('draw', 8)
      await engine.stop()
      const events = collector.requests.flatMap((request) => (request.body as { events: { type: string }[] }).events)
      expect(events.map((event) => event.type)).toEqual(['session_start', 'page', 'track', 'canvas_summary'])
      const batch = collector.requests[0]!.body as { context: Record<string, unknown> }
      expect(batch.context).toMatchObject({ url: 'https://marco.test/board?utm_source=mail', utm: { source: 'mail' } })
      expect((await indexedDB.databases()).map((db) => db.name)).toContain('marco-analytics-consent')
    } finally {
      await collector.close()
    }
  })
})

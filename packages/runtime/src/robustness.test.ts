// What the client owes the page whatever the app does — shutdown() that stops everything (a custom sink too, and
// no pipeline from a consent given after it), one feature's context that throws, an option that cannot be printed,
// a logout that resets analytics: each case was a defect, and each test fails without its fix.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AnalyticsEngine } from '@marco/analytics'
import { EventQueue, type CoreContext, type Feature } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'
import { defineExperiment, Experiments } from '@marco/experiments'
import { createFakeScope, startTestCollector, type TestCollector } from '@marco/testing'
import { createMarcoClient } from './createMarcoClient'

let collector: TestCollector
beforeEach(async () => {
  collector = await startTestCollector()
})
afterEach(() => collector.close())

const received = () =>
  collector.requests.flatMap(
    (request) => (request.body as { events: { type: string; category: string; payload: any }[] }).events,
  )

describe('createMarcoClient: robustness', () => {
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

// What an unlucky app or an unusual error cannot do to crash reporting — breadcrumbs or a message too large to
// send, an unhandled fetch rejection, several events for Sentry at once, a revoke between counts, a crumb without
// a time, an unreadable stack, its own gzip'd deliveries: each case was a defect, and each test fails without it.
import { describe, expect, it } from 'vitest'
import { EventQueue, type WireEvent } from '@marco/core'
import { createFakeContext, createFakeScope, startTestCollector, type FakeContext } from '@marco/testing'
import { CrashReporter } from './CrashReporter'
import { createSentryTransport } from './createSentryTransport'
import type { CrashReporterOptions } from './types'

function setUp(
  options: CrashReporterOptions = {},
  context: FakeContext = createFakeContext({ consent: { defaults: { crash: 'granted' } } }),
) {
  const reporter = new CrashReporter({ breadcrumbs: false, ...options })
  const stop = reporter.setup(context)
  const payloads = (type = 'exception') =>
    context.queue.ofType(type).map((event) => event.payload as Record<string, any>)
  return { reporter, context, stop, payloads }
}

/** A reporter alone on a real EventQueue that posts to the real local collector. */
async function standalone(options: CrashReporterOptions = {}) {
  const collector = await startTestCollector()
  const drops: unknown[] = []
  const reporter = new CrashReporter({
    endpoint: collector.endpoint,
    consent: { defaults: { crash: 'granted' } },
    queueOptions: { storage: false, onDrop: (drop) => drops.push(drop) },
    breadcrumbs: false,
    globalHandlers: false,
    ...options,
  })
  reporter.start()
  const received = () =>
    collector.requests.flatMap((request) => ((request.body as { events?: WireEvent[] }).events ?? []) as WireEvent[])
  const close = async () => {
    await reporter.stop()
    await collector.close()
  }
  return { reporter, collector, received, close, drops }
}

describe('CrashReporter: robustness', () => {
  it('delivers an exception after 30 breadcrumbs each within the 4 KiB crumb bound (the event is not dropped as too large)', async () => {
    const { reporter, received, drops, close } = await standalone()
    try {
      // Default maxBreadcrumbs (30), each crumb well under the documented 4 KiB bound.
      for (let i = 0; i < 30; i++)
        reporter.addBreadcrumb({ category: 'canvas', message: `layer ${i}`, data: { path: 'abcdefghij'.repeat(300) } })
      reporter.captureException(new Error('save failed'))
      await reporter.flush()
      expect(drops).toEqual([])
      expect(received().map((event) => event.type)).toContain('exception')
    } finally {
      await close()
    }
  })

  it('delivers an exception whose message quotes a 100 KB response body (cut, not lost)', async () => {
    const { reporter, received, drops, close } = await standalone()
    try {
      reporter.captureException(new Error(`Unexpected response: ${'<html>'.repeat(17_000)}`))
      await reporter.flush()
      expect(drops).toEqual([])
      const [exception] = received().filter((event) => event.type === 'exception')
      expect((exception?.payload as any)?.exceptions[0].message).toMatch(/^Unexpected response: <html>/)
    } finally {
      await close()
    }
  })

  it("leaves the app's own un-awaited failed fetch an unhandled rejection, which the reporter then captures", async () => {
    const failure = new TypeError('Failed to fetch')
    const fetch = () => Promise.reject(failure)
    const scope = createFakeScope({ overrides: { fetch } })
    const { payloads, stop } = setUp(
      { breadcrumbs: { console: false } },
      createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } }),
    )
    // The runtime's unhandled-rejection tracking, bridged to the page's `unhandledrejection` event.
    const saved = process.listeners('unhandledRejection')
    process.removeAllListeners('unhandledRejection')
    const unhandled: unknown[] = []
    process.on('unhandledRejection', (reason, promise) => {
      unhandled.push(reason)
      scope.dispatch('unhandledrejection', { reason, promise })
    })
    try {
      // Fire-and-forget: the app never handles this promise.
      void scope.fetch!('https://api.example/beacon')
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.removeAllListeners('unhandledRejection')
      for (const listener of saved) process.on('unhandledRejection', listener)
      stop()
    }
    expect(unhandled).toEqual([failure])
    expect(payloads().map((p) => [p.exceptions[0].message, p.mechanism])).toEqual([
      ['Failed to fetch', 'onunhandledrejection'],
    ])
  })

  it('leaves no unhandled rejection, and captures nothing, when the app handles its failed fetch', async () => {
    const fetch = () => Promise.reject(new TypeError('Failed to fetch'))
    const scope = createFakeScope({ overrides: { fetch } })
    const { payloads, stop } = setUp(
      { breadcrumbs: { console: false } },
      createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } }),
    )
    const saved = process.listeners('unhandledRejection')
    process.removeAllListeners('unhandledRejection')
    const unhandled: unknown[] = []
    process.on('unhandledRejection', (reason, promise) => {
      unhandled.push(reason)
      scope.dispatch('unhandledrejection', { reason, promise })
    })
    try {
      // The app handles it: the fetch breadcrumb's own chain must not leave a second, unhandled promise behind.
      await scope.fetch!('https://api.example/save').catch(() => 'offline')
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      process.removeAllListeners('unhandledRejection')
      for (const listener of saved) process.on('unhandledRejection', listener)
      stop()
    }
    expect(unhandled).toEqual([])
    expect(payloads()).toEqual([])
  })

  it('forgets the occurrences it counted when crash consent is revoked, even if it is granted again before the page is hidden', () => {
    const document = Object.assign(createFakeScope(), { visibilityState: 'visible' })
    const scope = createFakeScope({ overrides: { document: document as unknown as Document } })
    const context = createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } })
    const { reporter } = setUp({}, context)
    const error = new Error('stroke failed')
    for (let i = 0; i < 20; i++) reporter.captureException(error)
    context.consent.deny('crash')
    context.consent.grant('crash')
    document.visibilityState = 'hidden'
    document.dispatch('visibilitychange')
    // 19 occurrences counted under the consent that was revoked.
    expect(context.queue.ofType('crash_count')).toEqual([])
  })

  it('generates the error report without throwing when beforeBreadcrumb rebuilds crumbs without a ts', () => {
    const { reporter } = setUp({
      beforeBreadcrumb: (crumb) => ({ category: crumb.category, message: crumb.message }),
    })
    reporter.addBreadcrumb({ category: 'ui', message: 'opened file' })
    let report: ReturnType<CrashReporter['generateErrorReport']> | undefined
    expect(() => (report = reporter.generateErrorReport())).not.toThrow()
    expect(report?.text).toContain('opened file')
  })

  it('captures an error whose stack cannot be read (a throwing Error.prepareStackTrace), with its type and message', () => {
    const { reporter, payloads } = setUp()
    const previous = Error.prepareStackTrace
    let error: Error
    try {
      Error.prepareStackTrace = () => {
        throw new Error('source-map hook broke')
      }
      error = new RangeError('brush size out of range')
      reporter.captureException(error)
    } finally {
      Error.prepareStackTrace = previous
    }
    expect(payloads().map((p) => [p.exceptions[0].type, p.exceptions[0].message])).toEqual([
      ['RangeError', 'brush size out of range'],
    ])
  })

  it("keeps its own deliveries out of the fetch breadcrumbs, also when the batch goes gzip'd (endpoint?encoding=gzip)", async () => {
    const { reporter, received, close } = await standalone({ breadcrumbs: { console: false, xhr: false } })
    try {
      reporter.captureException(new Error('first'))
      await reporter.flush()
      await new Promise((resolve) => setTimeout(resolve, 20))
      reporter.captureException(new Error('second'))
      await reporter.flush()
      const second = received().find((event) => (event.payload as any).exceptions?.[0].message === 'second')
      expect(second).toBeDefined()
      const crumbs = (second!.payload as any).breadcrumbs as { category: string; data?: { url?: string } }[]
      expect(crumbs.filter((crumb) => crumb.category === 'fetch').map((crumb) => crumb.data?.url)).toEqual([])
    } finally {
      await close()
    }
  })

  it('sends each crash event of a batch to Sentry in an envelope of its own (Relay refuses a second event item)', async () => {
    const collector = await startTestCollector()
    try {
      const envelopes: { header: Record<string, unknown>; types: string[] }[] = []
      collector.routes.set('/api/42/envelope/', (req, res) => {
        let body = ''
        req.on('data', (chunk: Buffer) => (body += chunk))
        req.on('end', () => {
          const [header, ...rest] = body.split('\n').map((line) => JSON.parse(line))
          const types = rest.filter((_, i) => i % 2 === 0).map((item: { type: string }) => item.type)
          envelopes.push({ header, types })
          res.writeHead(200).end('{}')
        })
      })
      const queue = new EventQueue({
        storage: false,
        transport: createSentryTransport({ dsn: `http://k@${collector.origin.slice(7)}/42` }),
      })
      const context = createFakeContext({ consent: { defaults: { crash: 'granted' } } })
      const reporter = new CrashReporter({ breadcrumbs: false })
      reporter.setup(context)
      reporter.captureException(new Error('save failed'))
      reporter.captureException(new TypeError('layer missing'))
      for (const event of context.queue.events) queue.push(event)
      await queue.flush()
      await queue.stop()
      expect(envelopes.length).toBeGreaterThan(0)
      // Relay (Sentry's ingestion): "Event items can never occur twice in an envelope" → DuplicateItem, all dropped.
      for (const envelope of envelopes) expect(envelope.types.filter((type) => type === 'event')).toHaveLength(1)
    } finally {
      await collector.close()
    }
  })
})

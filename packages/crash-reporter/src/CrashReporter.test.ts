import { describe, expect, it, vi } from 'vitest'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv2020 from 'ajv/dist/2020.js'
import { EventQueue, toCspViolation, WIRE_VERSION, type WireEvent } from '@marco/core'
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

const validateBatch = new Ajv2020({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@marco/core/schema/batch.v1.json'), 'utf8')),
)

function throwAt(message: string): Error {
  return new Error(message)
}

describe('CrashReporter', () => {
  it('is a Feature named crash-reporter whose calls never throw, even before setup', () => {
    const reporter = new CrashReporter()
    expect(reporter.name).toBe('crash-reporter')
    expect(() => {
      reporter.captureException(null)
      reporter.captureMessage('hi')
      reporter.reportPerformanceIssue({ name: 'INP', value: 1 })
      reporter.addBreadcrumb({ category: 'x' })
      reporter.setUser({ id: '1' })
      reporter.generateErrorReport()
      reporter.observeWorker(createFakeScope())()
      reporter.stop()
    }).not.toThrow()
  })

  it("replays the calls made before setup (kept by core's lifecycle, as in every feature)", () => {
    const reporter = new CrashReporter({ breadcrumbs: false })
    for (let i = 0; i < 15; i++) reporter.captureMessage(`early ${i}`)
    const context = createFakeContext({ consent: { defaults: { crash: 'granted' } } })
    reporter.setup(context)
    expect(context.queue.ofType('message')).toHaveLength(15)
  })

  it('sends nothing before crash consent is granted, checked at capture time', () => {
    const context = createFakeContext()
    const { reporter, payloads } = setUp({}, context)
    reporter.captureException(new Error('before consent'))
    reporter.addBreadcrumb({ category: 'custom', message: 'before consent' })
    expect(context.queue.events).toEqual([])
    context.consent.grant('crash')
    reporter.captureException(new Error('after consent'))
    const [payload] = payloads()
    expect(context.queue.events[0]).toMatchObject({ type: 'exception', category: 'crash', sessionId: 'session-1' })
    expect(payload!.exceptions[0]).toMatchObject({ type: 'Error', message: 'after consent' })
    expect(payload!.breadcrumbs).toEqual([])
  })

  it('forgets breadcrumbs and recent errors when crash consent is revoked', () => {
    const { reporter, context } = setUp()
    reporter.addBreadcrumb({ category: 'custom' })
    reporter.captureException(new Error('x'))
    context.consent.deny('crash')
    const report = reporter.generateErrorReport()
    expect(report.breadcrumbs).toEqual([])
    expect(report.errors).toEqual([])
  })

  it('captures uncaught errors, unhandled rejections and failed resources through listeners; CSP violations it is given', () => {
    const { reporter, context, payloads } = setUp()
    const scope = context.scope
    expect(scope.listenerCount('error')).toBe(1)
    scope.dispatch('error', { error: new TypeError('uncaught'), message: 'Uncaught TypeError: uncaught' })
    scope.dispatch('error', {
      message: 'Uncaught SyntaxError: bad',
      filename: 'https://app.example/a.js',
      lineno: 3,
      colno: 9,
      error: null,
    })
    scope.dispatch('unhandledrejection', { reason: new Error('rejected') })
    scope.dispatch('error', { target: { tagName: 'SCRIPT', src: 'https://cdn.example/lib.js?token=abc' } })
    const violation = {
      blockedURI: 'https://evil.example/x.js',
      effectiveDirective: 'script-src-elem',
      violatedDirective: 'script-src',
      documentURI: 'https://app.example/',
      sourceFile: 'https://app.example/a.js',
      lineNumber: 2,
      columnNumber: 7,
      sample: '',
      disposition: 'enforce',
    }
    // One listener of securitypolicyviolation per page: CspReporting's, which the runtime wires to the reporter.
    scope.dispatch('securitypolicyviolation', violation)
    expect(payloads('csp_violation')).toEqual([])
    reporter.reportCspViolation(toCspViolation(violation as SecurityPolicyViolationEvent))
    expect(payloads().map((p) => [p.exceptions[0].type, p.exceptions[0].message, p.mechanism, p.handled])).toEqual([
      ['TypeError', 'uncaught', 'onerror', false],
      ['SyntaxError', 'bad', 'onerror', false],
      ['Error', 'rejected', 'onunhandledrejection', false],
      ['ResourceError', 'Failed to load script https://cdn.example/lib.js?token=[Filtered]', 'resource', false],
    ])
    expect(payloads()[1]!.exceptions[0].frames).toEqual([
      { function: '?', file: 'https://app.example/a.js', line: 3, column: 9, inApp: true },
    ])
    expect(payloads('csp_violation')).toEqual([
      expect.objectContaining({
        directive: 'script-src-elem',
        blockedUri: 'https://evil.example/x.js',
        sourceFile: 'https://app.example/a.js',
        line: 2,
        column: 7,
        disposition: 'enforce',
      }),
    ])
  })

  it('never assigns onerror and removes its listeners on teardown, twice safely', () => {
    const onerror = () => {}
    const scope = createFakeScope({ overrides: { onerror } as never })
    const context = createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } })
    const { stop } = setUp({}, context)
    expect((scope as unknown as { onerror: unknown }).onerror).toBe(onerror)
    // error, unhandledrejection, and pagehide (counted occurrences go out then).
    expect(scope.listenerCount()).toBe(3)
    stop()
    stop()
    expect(scope.listenerCount()).toBe(0)
  })

  it('counts the same error repeating within a second instead of resending it', () => {
    const { reporter, context, payloads } = setUp()
    // One call site, as in a render loop: the same stack every time, the numbers in the message vary.
    const frame = (i: number) => reporter.captureException(throwAt(`frame ${i} failed`))
    const frames = (from: number, to: number) => {
      for (let i = from; i < to; i++) frame(i)
    }
    frames(0, 100)
    expect(payloads()).toHaveLength(1)
    context.clock.advance(1000)
    frames(100, 101)
    expect(payloads().map((p) => p.count)).toEqual([1, 100])
  })

  it('filters noise by default: ResizeObserver, cross-origin Script error., extension-only stacks, and what the options ignore', () => {
    const { reporter, context, payloads } = setUp({ ignoreErrors: [/AbortError/] })
    reporter.captureException(new Error('ResizeObserver loop limit exceeded'))
    context.scope.dispatch('error', { message: 'Script error.', error: null })
    reporter.captureException({
      name: 'Error',
      message: 'ext',
      stack: 'Error\n    at x (chrome-extension://abc/c.js:1:1)',
    })
    reporter.captureException(new DOMException('aborted', 'AbortError'))
    expect(payloads()).toEqual([])
  })

  it('scrubs personal data from messages, URLs, extra data, tags and the user', () => {
    const { reporter, payloads } = setUp()
    reporter.setUser({ id: 'u-1', email: 'ada@example.com' })
    reporter.setTag('plan', 'pro')
    reporter.setContext('canvas', { layers: 3, password: 'hunter2' })
    reporter.captureException(new Error('could not mail ada@example.com'), {
      extra: { card: '4111 1111 1111 1111', apiKey: 'k' },
    })
    const [payload] = payloads()
    expect(payload!.exceptions[0].message).toBe('could not mail [Filtered]')
    expect(payload!.user).toEqual({ id: 'u-1', email: '[Filtered]' })
    expect(payload!.tags).toEqual({ plan: 'pro' })
    expect(payload!.contexts).toEqual({ canvas: { layers: 3, password: '[Filtered]' } })
    expect(payload!.extra).toEqual({ card: '[Filtered]', apiKey: '[Filtered]' })
  })

  it('keeps its own fields whatever scrub.denyKeys names, so every report still fits the wire schema', () => {
    const own = ['count', 'tags', 'contexts', 'breadcrumbs', 'exceptions', 'frames', 'line', 'column', 'handled']
    const { reporter, context, payloads } = setUp({
      breadcrumbs: {},
      scrub: { denyKeys: [...own, 'inApp', 'functionIndex', 'metric', 'value', 'threshold'] },
    })
    reporter.addBreadcrumb({ category: 'ui', message: 'pen down', data: { strokeCount: 3 } })
    reporter.setContext('canvas', { accountCount: 3, layers: 2 })
    reporter.captureException(throwAt('boom'))
    reporter.reportPerformanceIssue({ name: 'long-frame', value: 180, threshold: 50, unit: 'ms' })
    reporter.reportCspViolation({
      directive: 'script-src',
      blockedUri: 'https://evil.example/x.js',
      documentUri: 'https://app.example/',
      sourceFile: 'https://app.example/a.js',
      line: 2,
      column: 7,
      disposition: 'enforce',
      sample: '',
    })
    const batch = JSON.parse(
      JSON.stringify({
        v: WIRE_VERSION,
        sentAt: 1,
        sdk: { name: 't', version: '0' },
        dropped: [],
        events: context.queue.events,
      }),
    )
    expect(batch.events.map((event: { type: string }) => event.type)).toEqual([
      'exception',
      'performance_issue',
      'csp_violation',
    ])
    expect(validateBatch(batch) ? [] : validateBatch.errors).toEqual([])
    // The app's own keys that contain a deny key are still redacted.
    const [exception] = payloads()
    expect(exception!.contexts).toEqual({ canvas: { accountCount: '[Filtered]', layers: 2 } })
    expect(exception!.breadcrumbs.at(-1).data).toEqual({ strokeCount: '[Filtered]' })
    expect(exception!.exceptions[0].frames.length).toBeGreaterThan(0)
  })

  it('keeps the report whole when the tags a capture is given are not JSON (a BigInt, a cycle)', () => {
    const { reporter, payloads } = setUp()
    const cycle: Record<string, unknown> = { name: 'loop' }
    cycle.self = cycle
    reporter.captureException(new Error('odd tags'), { tags: { big: 10n, cycle } as never })
    const [payload] = payloads()
    // Before: the scrubber answered '[Filtered]' for the whole payload and the event carried its characters.
    expect(payload!.exceptions[0].message).toBe('odd tags')
    expect(payload!.fingerprint).toMatch(/^Error\|odd tags\|/)
    expect(payload!.tags.big).toBe('10n')
    expect(payload!.tags.cycle.name).toBe('loop')
  })

  it('keeps later reports whole after a breadcrumb whose data is not JSON', () => {
    const { reporter, payloads } = setUp()
    const cycle: Record<string, unknown> = { name: 'loop' }
    cycle.self = cycle
    reporter.addBreadcrumb({ category: 'canvas', message: 'odd', data: { big: 10n, cycle } })
    reporter.captureException(new Error('first'))
    reporter.captureException(new Error('second'))
    expect(payloads().map((payload) => payload.exceptions[0].message)).toEqual(['first', 'second'])
    const crumb = payloads()[1]!.breadcrumbs.at(-1)
    expect(crumb).toMatchObject({ category: 'canvas', message: 'odd', data: { big: '10n', cycle: { name: 'loop' } } })
  })

  it('lets beforeSend change or drop events, and skips a beforeSend that throws', () => {
    let mode = 'tag'
    const { reporter, context } = setUp({
      beforeSend: (event) => {
        if (mode === 'drop') return null
        if (mode === 'throw') throw new Error('hook bug')
        return { ...event, payload: { ...event.payload, changed: true } }
      },
    })
    reporter.captureMessage('one')
    mode = 'drop'
    reporter.captureMessage('two')
    mode = 'throw'
    reporter.captureMessage('three')
    expect(context.queue.events.map((event) => [event.payload.message, event.payload.changed])).toEqual([
      ['one', true],
      ['three', undefined],
    ])
    expect(context.errors).toEqual([new Error('hook bug')])
  })

  it('keeps breadcrumbs in a bounded ring, through beforeBreadcrumb, with scrubbed URLs', () => {
    const { reporter, context, payloads } = setUp({
      maxBreadcrumbs: 3,
      beforeBreadcrumb: (crumb) =>
        crumb.message === 'secret'
          ? null
          : crumb.message === 'boom'
            ? (() => {
                throw new Error('crumb hook')
              })()
            : crumb,
    })
    for (const message of ['a', 'secret', 'b', 'c', 'boom']) reporter.addBreadcrumb({ category: 'custom', message })
    reporter.addBreadcrumb({ category: 'navigation', data: { from: '/a?email=x@y.co', to: '/b' } })
    reporter.captureMessage('now')
    const crumbs = payloads('message')[0]!.breadcrumbs
    expect(crumbs.map((crumb: { message?: string }) => crumb.message)).toEqual(['c', 'boom', undefined])
    expect(crumbs[2].data).toEqual({ from: '/a?email=[Filtered]', to: '/b' })
    expect(crumbs[0].ts).toBe(context.clock.now())
    expect(context.errors).toHaveLength(1)
  })

  it('wraps fetch and console only while set up, returning what they return (fetch: a promise settling as its own)', async () => {
    const response = { status: 503 }
    const fetchResult = Promise.resolve(response)
    const fetch = vi.fn((..._args: unknown[]) => fetchResult)
    const warn = vi.fn((..._args: unknown[]) => 'warned')
    const error = vi.fn()
    const console = { warn, error, log: () => {} }
    const scope = createFakeScope({ overrides: { fetch, console } })
    const context = createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } })
    const { reporter, stop, payloads } = setUp({ breadcrumbs: {} }, context)
    expect(scope.fetch).not.toBe(fetch)
    expect(console.warn).not.toBe(warn)
    const init = { method: 'POST' }
    const fetched = scope.fetch!('https://api.example/save?token=t', init)
    expect(fetch).toHaveBeenCalledWith('https://api.example/save?token=t', init)
    expect(console.warn('low', 'memory')).toBe('warned')
    expect(warn).toHaveBeenCalledWith('low', 'memory')
    expect(await fetched).toBe(response)
    reporter.captureMessage('check')
    expect(payloads('message')[0]!.breadcrumbs).toEqual([
      { category: 'console', level: 'warning', message: 'low memory', ts: expect.any(Number) },
      {
        category: 'fetch',
        data: { method: 'POST', url: 'https://api.example/save?token=[Filtered]', status: 503, durationMs: 0 },
        ts: expect.any(Number),
      },
    ])
    stop()
    expect(scope.fetch).toBe(fetch)
    expect(console.warn).toBe(warn)
    expect(console.error).toBe(error)
  })

  it('keeps a fetch rejection as it was and reports a failed .wasm fetch as a resource error', async () => {
    const failure = new TypeError('Failed to fetch')
    const fetch = () => Promise.reject(failure)
    const scope = createFakeScope({ overrides: { fetch } })
    const { payloads } = setUp(
      { breadcrumbs: { console: false } },
      createFakeContext({ scope, consent: { defaults: { crash: 'granted' } } }),
    )
    await expect(scope.fetch!('/core.wasm')).rejects.toBe(failure)
    await Promise.resolve()
    expect(payloads()[0]!.exceptions[0]).toMatchObject({
      type: 'ResourceError',
      message: 'Failed to load wasm /core.wasm (0)',
    })
  })

  it('leaves a method wrapped again by someone else working after teardown', () => {
    const original = vi.fn((..._args: unknown[]) => 1)
    const console = { warn: original, error: original }
    const scope = createFakeScope({ overrides: { console } })
    const { stop } = setUp({ breadcrumbs: {} }, createFakeContext({ scope }))
    const ours = console.warn
    const theirs = vi.fn((...args: unknown[]) => ours(...(args as [])))
    console.warn = theirs
    stop()
    expect(console.warn).toBe(theirs)
    expect(console.warn('x')).toBe(1)
  })

  it('never lets its own error reach the page, and never captures itself', () => {
    const context = createFakeContext({ consent: { defaults: { crash: 'granted' } } })
    let reporter!: CrashReporter
    let calls = 0
    ;({ reporter } = setUp(
      { beforeSend: (event) => (calls++, reporter.captureException(new Error('inside')), event) },
      context,
    ))
    reporter.captureException(new Error('outside'))
    expect(calls).toBe(1)
    expect(context.queue.events).toHaveLength(1)
    context.queue.push = () => {
      throw new Error('queue broke')
    }
    expect(() => reporter.captureException(new Error('again'))).not.toThrow()
    expect(context.errors).toEqual([new Error('queue broke')])
  })

  it('reports performance issues and messages with their own types', () => {
    const { reporter, payloads } = setUp()
    reporter.reportPerformanceIssue({
      name: 'long-frame',
      value: 180,
      threshold: 50,
      unit: 'ms',
      attribution: { script: 'https://app.example/a.js', frames: 3 },
    })
    reporter.captureMessage('sync degraded', 'warning')
    expect(payloads('performance_issue')[0]).toMatchObject({
      level: 'warning',
      metric: { name: 'long-frame', value: 180, threshold: 50, unit: 'ms' },
      attribution: { script: 'https://app.example/a.js', frames: 3 },
      fingerprint: 'perf|long-frame',
    })
    expect(payloads('message')[0]).toMatchObject({ message: 'sync degraded', level: 'warning' })
  })

  it('captures the errors a worker throws or posts', () => {
    const { reporter, payloads } = setUp()
    const worker = createFakeScope()
    const stop = reporter.observeWorker(worker)
    worker.dispatch('error', {
      message: 'Uncaught Error: in worker',
      filename: 'https://app.example/w.js',
      lineno: 1,
      colno: 2,
      error: null,
    })
    worker.dispatch('message', {
      data: {
        marcoError: {
          name: 'RangeError',
          message: 'posted',
          stack: 'RangeError: posted\n    at job (https://app.example/w.js:9:1)',
        },
      },
    })
    worker.dispatch('message', { data: { ordinary: true } })
    expect(payloads().map((p) => [p.exceptions[0].type, p.mechanism, p.exceptions[0].frames[0].line])).toEqual([
      ['Error', 'worker', 1],
      ['RangeError', 'worker', 9],
    ])
    stop()
    expect(worker.listenerCount()).toBe(0)
  })

  it('generates a JSON and text error report without secrets', () => {
    const { reporter } = setUp({
      endpoint: 'https://c.example/v1/batch?key=secret',
      beforeSend: (e) => e,
      release: '1.2.3',
    })
    reporter.addBreadcrumb({ category: 'custom', message: 'opened file' })
    reporter.captureException(new Error('save failed', { cause: new TypeError('offline') }))
    const report = reporter.generateErrorReport()
    expect(report.errors).toHaveLength(1)
    expect((report.errors[0] as any).exceptions[0].frames.length).toBeGreaterThan(0)
    expect(report.breadcrumbs[0]).toMatchObject({ message: 'opened file' })
    expect(report.config).toMatchObject({
      endpoint: 'https://c.example/v1/batch',
      release: '1.2.3',
      hooks: ['beforeSend'],
      consent: 'granted',
    })
    expect(JSON.stringify(report)).not.toContain('secret')
    expect(report.text).toContain('Errors (')
    expect(report.text).toContain('×1 Error: save failed')
    expect(report.text).toContain('caused by TypeError: offline')
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('works alone: start() builds its own queue and delivers to a real HTTP collector', async () => {
    const collector = await startTestCollector()
    try {
      const reporter = new CrashReporter({
        endpoint: collector.endpoint,
        consent: { defaults: { crash: 'granted' } },
        queueOptions: { storage: false },
        breadcrumbs: false,
        globalHandlers: false,
      })
      const stop = reporter.start()
      reporter.captureException(new Error('standalone'))
      await reporter.flush()
      const batch = collector.requests[0]!.body as { events: { type: string; category: string; payload: any }[] }
      expect(batch.events).toHaveLength(1)
      expect(batch.events[0]).toMatchObject({
        type: 'exception',
        category: 'crash',
        payload: { exceptions: [{ message: 'standalone' }] },
      })
      stop()
    } finally {
      await collector.close()
    }
  })
})

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

/**
 * The rejections Node reports unhandled while `run` runs (and 50 ms after), each bridged to the page's
 * `unhandledrejection` event as a browser raises it.
 */
async function unhandledRejections(scope: ReturnType<typeof createFakeScope>, run: () => unknown): Promise<unknown[]> {
  const saved = process.listeners('unhandledRejection')
  process.removeAllListeners('unhandledRejection')
  const unhandled: unknown[] = []
  process.on('unhandledRejection', (reason, promise) => {
    unhandled.push(reason)
    scope.dispatch('unhandledrejection', { reason, promise })
  })
  try {
    await run()
    await new Promise((resolve) => setTimeout(resolve, 50))
  } finally {
    process.removeAllListeners('unhandledRejection')
    for (const listener of saved) process.on('unhandledRejection', listener)
  }
  return unhandled
}

// Found by a hostile review; each of these failed before its fix.
describe('CrashReporter: what an unlucky app or an unusual error cannot do', () => {
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
    // Fire-and-forget: the app never handles this promise.
    const unhandled = await unhandledRejections(scope, () => void scope.fetch!('https://api.example/beacon'))
    stop()
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
    // The app handles it: the fetch breadcrumb's own chain must not leave a second, unhandled promise behind.
    const unhandled = await unhandledRejections(scope, () =>
      scope.fetch!('https://api.example/save').catch(() => 'offline'),
    )
    stop()
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

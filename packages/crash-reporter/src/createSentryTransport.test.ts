import { describe, expect, it, vi } from 'vitest'
import { EventQueue, WIRE_VERSION, type WireBatch, type WireEvent } from '@marco/core'
import { createFakeContext, startTestCollector, type TestCollector } from '@marco/testing'
import { CrashReporter } from './CrashReporter'
import { createSentryTransport } from './createSentryTransport'

interface Envelope {
  url: string
  header: Record<string, unknown>
  items: [Record<string, unknown>, Record<string, any>][]
}

/** A Sentry-like envelope endpoint on the test collector; `reply` decides each answer. */
function sentryRoute(
  collector: TestCollector,
  reply: (n: number) => { status: number; headers?: Record<string, string> },
) {
  const envelopes: Envelope[] = []
  collector.routes.set('/api/42/envelope/', (req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk))
    req.on('end', () => {
      const [header, ...rest] = body.split('\n').map((line) => JSON.parse(line))
      const items: Envelope['items'] = []
      for (let i = 0; i < rest.length; i += 2) items.push([rest[i], rest[i + 1]])
      envelopes.push({ url: req.url!, header, items })
      const { status, headers } = reply(envelopes.length - 1)
      res.writeHead(status, headers).end('{}')
    })
  })
  return envelopes
}

const batch = (events: WireEvent[]): WireBatch => ({
  v: WIRE_VERSION,
  sentAt: 0,
  sdk: { name: 't', version: '0' },
  dropped: [],
  events,
})

function crashEvents(): WireEvent[] {
  const context = createFakeContext({ consent: { defaults: { crash: 'granted' } } })
  const reporter = new CrashReporter({ breadcrumbs: false, release: 'app@1.0.0' })
  reporter.setup(context)
  reporter.setUser({ id: 'u1' })
  reporter.setTag('tool', 'pen')
  reporter.addBreadcrumb({ category: 'ui.click', message: 'button#save' })
  reporter.captureException(new Error('save failed', { cause: new TypeError('offline') }))
  reporter.captureMessage('hello', 'warning')
  reporter.reportPerformanceIssue({ name: 'INP', value: 420, threshold: 200, unit: 'ms' })
  return context.queue.events
}

describe('createSentryTransport', () => {
  it('posts the crash events of a batch as one envelope with DSN auth, frames oldest first', async () => {
    const collector = await startTestCollector()
    try {
      const envelopes = sentryRoute(collector, () => ({ status: 200 }))
      const dsn = `http://publickey@${collector.origin.slice(7)}/42`
      const transport = createSentryTransport({ dsn })
      const analytics: WireEvent = { id: 'a', type: 'track', category: 'analytics', ts: 1, sessionId: 's', payload: {} }
      const count: WireEvent = {
        id: 'count-1',
        type: 'crash_count',
        category: 'crash',
        ts: 1,
        sessionId: 's',
        payload: { fingerprint: 'Error|save failed', count: 41 },
      }
      const events = crashEvents()
      // The analytics event and the crash_count record are not Sentry events: left out, counted as filtered.
      expect(await transport.send(batch([...events, analytics, count]), { unloading: false, body: '' })).toEqual({
        result: 'sent',
        status: 200,
        filtered: 2,
      })
      const [envelope] = envelopes
      expect(envelope!.url).toContain('sentry_key=publickey')
      expect(envelope!.url).toContain('sentry_version=7')
      expect(envelope!.header).toMatchObject({ dsn })
      expect(envelope!.items.map(([item]) => item.type)).toEqual(['event', 'event', 'event'])
      const [exception, message, perf] = envelope!.items.map(([, event]) => event)
      expect(exception!.event_id).toMatch(/^[\da-f]{32}$/)
      expect(exception!.exception.values.map((value: any) => value.type)).toEqual(['TypeError', 'Error'])
      const error = exception!.exception.values[1]
      expect(error.mechanism).toEqual({ type: 'captureException', handled: true })
      const frames = error.stacktrace.frames
      expect(frames.at(-1).function).toBe(
        events[0]!.payload.exceptions instanceof Array
          ? (events[0]!.payload.exceptions as any)[0].frames[0].function
          : '',
      )
      expect(exception).toMatchObject({
        platform: 'javascript',
        level: 'error',
        release: 'app@1.0.0',
        user: { id: 'u1' },
        tags: { tool: 'pen', event_type: 'exception' },
      })
      expect(exception!.breadcrumbs.values[0]).toMatchObject({ category: 'ui.click', message: 'button#save' })
      expect(message).toMatchObject({ level: 'warning', message: { formatted: 'hello' } })
      expect(perf!.message.formatted).toBe('Performance issue: INP 420ms over 200')
    } finally {
      await collector.close()
    }
  })

  it('maps 429 and X-Sentry-Rate-Limits to retry with the wait, and the queue holds later batches until it ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const collector = await startTestCollector()
    try {
      const limits = { 'x-sentry-rate-limits': '60:error;transaction:organization, 5:replay:project' }
      const envelopes = sentryRoute(collector, (n) => (n <= 1 ? { status: 429, headers: limits } : { status: 200 }))
      const transport = createSentryTransport({ dsn: `http://k@${collector.origin.slice(7)}/42` })
      expect(await transport.send(batch(crashEvents()), { unloading: false, body: '' })).toMatchObject({
        result: 'retry',
        status: 429,
        retryAfterMs: 60_000,
      })
      const queue = new EventQueue({ storage: false, transport, random: () => 0.5 })
      for (const event of crashEvents()) queue.push(event)
      expect(await queue.flush()).toMatchObject({ sent: 0, pending: 3 })
      vi.advanceTimersByTime(59_000)
      expect(await queue.flush()).toMatchObject({ sent: 0, pending: 3 })
      expect(envelopes).toHaveLength(2)
      vi.advanceTimersByTime(1_000)
      expect(await queue.flush()).toMatchObject({ sent: 3, pending: 0 })
      // The direct send, the queue's refused one, then one envelope per event.
      expect(envelopes).toHaveLength(5)
      await queue.stop()
    } finally {
      vi.useRealTimers()
      await collector.close()
    }
  })

  it('honours Retry-After on 429, retries 5xx and network errors, drops other 4xx', async () => {
    const collector = await startTestCollector()
    const statuses = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503 }, { status: 400 }]
    sentryRoute(collector, (n) => statuses[n]!)
    const transport = createSentryTransport({ dsn: `http://k@${collector.origin.slice(7)}/42` })
    const send = () => transport.send(batch(crashEvents()), { unloading: false, body: '' })
    expect(await send()).toEqual({ result: 'retry', status: 429, retryAfterMs: 7000 })
    await new Promise((resolve) => setTimeout(resolve, 0))
    const limited = createSentryTransport({ dsn: `http://k@${collector.origin.slice(7)}/42` })
    expect(await limited.send(batch(crashEvents()), { unloading: false, body: '' })).toMatchObject({
      result: 'retry',
      status: 503,
    })
    expect(await limited.send(batch(crashEvents()), { unloading: false, body: '' })).toEqual({
      result: 'dropped',
      status: 400,
    })
    await collector.close()
    expect(await limited.send(batch(crashEvents()), { unloading: false, body: '' })).toEqual({ result: 'retry' })
  })

  it('works as the transport of an EventQueue', async () => {
    const collector = await startTestCollector()
    try {
      const envelopes = sentryRoute(collector, () => ({ status: 200 }))
      const queue = new EventQueue({
        storage: false,
        transport: createSentryTransport({ dsn: `http://k@${collector.origin.slice(7)}/42` }),
      })
      for (const event of crashEvents()) queue.push(event)
      expect(await queue.flush()).toMatchObject({ sent: 3, pending: 0 })
      // One event item per envelope: Sentry refuses a second one.
      expect(envelopes.map((envelope) => envelope.items.length)).toEqual([1, 1, 1])
      await queue.stop()
    } finally {
      await collector.close()
    }
  })
})

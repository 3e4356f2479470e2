import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestCollector, type TestCollector } from '@marco/testing'
import { createHttpTransport, parseRetryAfter } from './createHttpTransport'
import { WIRE_VERSION, type WireBatch } from './wire'

const batch: WireBatch = { v: WIRE_VERSION, sentAt: 1, sdk: { name: 't', version: '1' }, dropped: [], events: [] }
const body = JSON.stringify(batch)

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 29, 12, 0, 0)
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000)
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000)
  })
  it('reads an HTTP date, and a past date as no wait', () => {
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0)
  })
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('createHttpTransport against a real server', () => {
  let collector: TestCollector
  beforeEach(async () => {
    collector = await startTestCollector()
  })
  afterEach(() => collector.close())

  it('maps statuses to results: 2xx sent, 408/429/5xx retry with Retry-After, other 4xx dropped', async () => {
    const replies = [
      { status: 204 },
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 503 },
      { status: 408 },
      { status: 400 },
      { status: 413 },
    ]
    collector.reply = (n) => replies[n]!
    const transport = createHttpTransport({ url: collector.endpoint })
    const results = []
    for (let i = 0; i < replies.length; i++) results.push(await transport.send(batch, { unloading: false, body }))
    expect(results).toEqual([
      { result: 'sent', status: 204 },
      { result: 'retry', status: 429, retryAfterMs: 3_000 },
      { result: 'retry', status: 503, retryAfterMs: undefined },
      { result: 'retry', status: 408, retryAfterMs: undefined },
      { result: 'dropped', status: 400 },
      { result: 'dropped', status: 413 },
    ])
    // The body arrives as sent, as text/plain (no CORS preflight).
    expect(collector.requests[0]!.body).toEqual(batch)
  })

  it('retries after a network error and after its time-out', async () => {
    collector.reply = () => 'network-error'
    const transport = createHttpTransport({ url: collector.endpoint })
    expect(await transport.send(batch, { unloading: false, body })).toEqual({ result: 'retry' })
    collector.routes.set('/slow', () => {
      // Never answers: the transport's own time-out must end the request.
    })
    const slow = createHttpTransport({ url: `${collector.origin}/slow`, timeoutMs: 100 })
    expect(await slow.send(batch, { unloading: false, body })).toEqual({ result: 'retry' })
  })

  it('retries, never throws, when there is no fetch at all', async () => {
    const transport = createHttpTransport({ url: collector.endpoint, scope: {} })
    expect(await transport.send(batch, { unloading: true, body })).toEqual({ result: 'retry' })
  })

  it('gzips a body of 1 KiB or more, names the encoding in the URL, and keeps the request CORS-simple', async () => {
    const big = JSON.stringify({ ...batch, context: { note: 'x'.repeat(5_000) } })
    const transport = createHttpTransport({ url: `${collector.endpoint}?key=1`, scope: { fetch, CompressionStream } })
    expect(await transport.send(batch, { unloading: false, body: big })).toEqual({ result: 'sent', status: 200 })
    expect(await transport.send(batch, { unloading: false, body })).toEqual({ result: 'sent', status: 200 })
    const [compressed, plain] = collector.requests
    expect(compressed!.encoding).toBe('gzip')
    expect(compressed!.body).toEqual(JSON.parse(big))
    expect(compressed!.bytes).toBeLessThan(200)
    expect(plain!.encoding).toBeUndefined()
    // Without CompressionStream (older browsers) the body goes as it is.
    await createHttpTransport({ url: collector.endpoint, scope: { fetch } }).send(batch, {
      unloading: false,
      body: big,
    })
    expect(collector.requests[2]!.encoding).toBeUndefined()
  })

  it('sends what an encoder makes of the batch, counts what it leaves out, and sends nothing when it carries nothing', async () => {
    const events = [1, 2, 3].map(
      (n) =>
        ({
          id: `event-00${n}`,
          type: 't',
          category: n === 2 ? 'crash' : 'analytics',
          ts: n,
          sessionId: 's',
          payload: {},
        }) as const,
    )
    const crashOnly = createHttpTransport({
      url: collector.endpoint,
      headers: { 'content-type': 'application/x-sentry-envelope' },
      encode: (wire) => {
        const carried = wire.events.filter((event) => event.category === 'crash')
        return carried.length
          ? {
              body: carried.map((event) => JSON.stringify(event)).join('\n'),
              filtered: wire.events.length - carried.length,
            }
          : undefined
      },
    })
    expect(await crashOnly.send({ ...batch, events }, { unloading: false, body })).toEqual({
      result: 'sent',
      status: 200,
      filtered: 2,
    })
    expect(collector.requests[0]!.body).toEqual(events[1])
    expect(await crashOnly.send({ ...batch, events: [events[0]!] }, { unloading: false, body })).toEqual({
      result: 'sent',
      filtered: 1,
    })
    expect(collector.requests).toHaveLength(1)
  })

  it("reads the server's own wait through retryAfter, on success too", async () => {
    collector.reply = () => ({ status: 200, headers: { 'x-wait': '7' } })
    const transport = createHttpTransport({
      url: collector.endpoint,
      retryAfter: (response) => Number(response.headers.get('x-wait')) * 1000,
    })
    expect(await transport.send(batch, { unloading: false, body })).toEqual({
      result: 'sent',
      status: 200,
      retryAfterMs: 7_000,
    })
  })
})

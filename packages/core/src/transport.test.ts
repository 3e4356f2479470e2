import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestCollector, type TestCollector } from '@marco/testing'
import { createFetchTransport, parseRetryAfter } from './transport'
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

describe('createFetchTransport against a real server', () => {
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
    const transport = createFetchTransport({ endpoint: collector.endpoint })
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
    const transport = createFetchTransport({ endpoint: collector.endpoint })
    expect(await transport.send(batch, { unloading: false, body })).toEqual({ result: 'retry' })
    collector.routes.set('/slow', () => {
      // Never answers: the transport's own time-out must end the request.
    })
    const slow = createFetchTransport({ endpoint: `${collector.origin}/slow`, timeoutMs: 100 })
    expect(await slow.send(batch, { unloading: false, body })).toEqual({ result: 'retry' })
  })

  it('retries, never throws, when there is no fetch at all', async () => {
    const transport = createFetchTransport({ endpoint: collector.endpoint, scope: {} })
    expect(await transport.send(batch, { unloading: true, body })).toEqual({ result: 'retry' })
  })
})

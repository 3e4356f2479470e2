import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createId, EventQueue, WIRE_VERSION, type WireBatch, type WireEvent } from '@marco/core'
import { createFakeScope, startTestCollector, type TestCollector } from '@marco/testing'
import { createSegmentTransport } from './createSegmentTransport'

const event = (
  type: string,
  payload: Record<string, unknown>,
  category: WireEvent['category'] = 'analytics',
): WireEvent => ({
  id: `id-${type}-0000`,
  type,
  category,
  ts: Date.UTC(2026, 10, 29, 12),
  sessionId: 's-1',
  payload: { anonymousId: 'anon-1', userId: 'user-1', ...payload },
})

describe('createSegmentTransport against a real server', () => {
  let collector: TestCollector
  let segment: { body: any; auth?: string }[]
  beforeEach(async () => {
    collector = await startTestCollector()
    segment = []
    collector.routes.set('/v1/segment', (req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        segment.push({ body: JSON.parse(body), auth: req.headers.authorization })
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}')
      })
    })
  })
  afterEach(() => collector.close())

  it('writes track, page and identify messages with messageId, ids, timestamp and context', async () => {
    const transport = createSegmentTransport({ writeKey: 'key-1', endpoint: `${collector.origin}/v1/segment` })
    const batch: WireBatch = {
      v: WIRE_VERSION,
      sentAt: Date.UTC(2026, 10, 29, 12, 0, 5),
      sdk: { name: 'marco', version: '0.1.0' },
      context: { url: 'https://marco.test/', language: 'en' },
      dropped: [],
      events: [
        event('track', { name: 'export', properties: { format: 'svg' } }),
        event('page', { name: 'Board', url: 'https://marco.test/b', properties: {} }),
        event('identify', { traits: { plan: 'pro' } }),
        event('canvas_summary', { canvas: { draw: { count: 3 } } }),
        event('exception', { message: 'boom' }, 'crash'),
      ],
    }
    expect(await transport.send(batch, { unloading: false, body: '' })).toEqual({
      result: 'sent',
      status: 200,
      filtered: 1,
    })
    const [{ body, auth }] = segment as [{ body: any; auth?: string }]
    expect(auth).toBe(`Basic ${Buffer.from('key-1:').toString('base64')}`)
    expect(body.sentAt).toBe('2026-11-29T12:00:05.000Z')
    expect(body.batch).toEqual([
      expect.objectContaining({
        type: 'track',
        event: 'export',
        properties: { format: 'svg' },
        messageId: 'id-track-0000',
        anonymousId: 'anon-1',
        userId: 'user-1',
        timestamp: '2026-11-29T12:00:00.000Z',
      }),
      expect.objectContaining({ type: 'page', name: 'Board', properties: { url: 'https://marco.test/b' } }),
      expect.objectContaining({ type: 'identify', traits: { plan: 'pro' } }),
      expect.objectContaining({
        type: 'track',
        event: 'canvas_summary',
        properties: { canvas: { draw: { count: 3 } } },
      }),
    ])
    expect(body.batch[0].context).toEqual({ url: 'https://marco.test/', language: 'en', sessionId: 's-1' })
  })

  it('keeps a queue within 100 messages per request, where Segment refuses batches over 500 KB', async () => {
    const scope = createFakeScope({ overrides: { fetch: globalThis.fetch, AbortController } })
    const queue = new EventQueue({
      storage: false,
      transport: createSegmentTransport({ writeKey: 'key-1', endpoint: `${collector.origin}/v1/segment`, scope }),
      scope,
      context: () => ({ url: 'https://marco.test/board', userAgent: 'x'.repeat(200), language: 'en' }),
    })
    for (let i = 0; i < 250; i++)
      queue.push({
        id: createId(),
        type: 'track',
        category: 'analytics',
        ts: Date.now(),
        sessionId: 's-1',
        payload: { name: 'stroke' },
      })
    await queue.flush()
    expect(segment.map(({ body }) => body.batch.length)).toEqual([100, 100, 50])
    expect(queue.stats().sent).toBe(250)
    await queue.stop()
  })

  it('retries on 429 with Retry-After and drops on 400', async () => {
    collector.routes.set('/v1/limited', (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end())
    collector.routes.set('/v1/bad', (_req, res) => res.writeHead(400).end())
    const batch: WireBatch = {
      v: WIRE_VERSION,
      sentAt: 0,
      sdk: { name: 'm', version: '1' },
      dropped: [],
      events: [event('track', { name: 'a' })],
    }
    expect(
      await createSegmentTransport({ writeKey: 'k', endpoint: `${collector.origin}/v1/limited` }).send(batch, {
        unloading: false,
        body: '',
      }),
    ).toEqual({ result: 'retry', status: 429, retryAfterMs: 7_000 })
    expect(
      await createSegmentTransport({ writeKey: 'k', endpoint: `${collector.origin}/v1/bad` }).send(batch, {
        unloading: false,
        body: '',
      }),
    ).toEqual({ result: 'dropped', status: 400 })
  })
})

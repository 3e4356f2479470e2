import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { extractFacts } from './extractFacts'
import { MAX_EVENTS_PER_BATCH, MAX_PAYLOAD_DEPTH } from './handleBatch'
import { startCollector } from './startCollector'
import { batch, event, getJson, post, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

/** A JSON text nesting `levels` arrays (built as text: a value this deep would overflow JSON.stringify). */
const nestedArrays = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`

describe('collector: hostile batches', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector

  beforeEach(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db, rateLimit: false })
  })
  afterEach(async () => {
    await collector.close()
    tmp.cleanup()
  })

  const storedIds = async () =>
    (await getJson<{ events: { id: string }[] }>(`${collector.url}/v1/events?limit=1000`)).events.map((e) => e.id)

  it('refuses 16 parallel batches of 330,000 empty events with a 413 naming the limit, while /healthz answers every poll', async () => {
    const hostile = JSON.stringify(batch(Array.from({ length: 330_000 }, () => ({}) as never)))
    expect(Buffer.byteLength(hostile)).toBeGreaterThan(980_000)
    expect(Buffer.byteLength(hostile)).toBeLessThan(1024 * 1024)
    let done = false
    const health: number[] = []
    const polling = (async () => {
      while (!done) {
        // A generous bound only so that a stalled collector fails the test instead of hanging it.
        const response = await fetch(`${collector.url}/healthz`, { signal: AbortSignal.timeout(10_000) })
        health.push(response.status)
        await response.arrayBuffer()
      }
    })()
    const answers = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const response = await post(`${collector.url}/v1/batch`, hostile)
        return { status: response.status, body: await response.json() }
      }),
    )
    done = true
    await polling
    for (const answer of answers) {
      expect(answer.status).toBe(413)
      expect(answer.body).toMatchObject({ error: 'too_many_events', limit: MAX_EVENTS_PER_BATCH })
      expect(answer.body.message).toContain(`more than ${MAX_EVENTS_PER_BATCH} events`)
    }
    expect(health.length).toBeGreaterThan(0)
    expect(health.every((status) => status === 200)).toBe(true)
    expect(await storedIds()).toEqual([])
  })

  it('refuses too many events also when the events key is spelled with an escape', async () => {
    const text = JSON.stringify(batch(Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => event()))).replace(
      '"events"',
      '"\\u0065vents"',
    )
    const response = await post(`${collector.url}/v1/batch`, text)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'too_many_events' })
  })

  it('stores a batch of exactly the event limit', async () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, () => event())
    const response = await post(`${collector.url}/v1/batch`, batch(events))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      accepted: MAX_EVENTS_PER_BATCH,
      stored: MAX_EVENTS_PER_BATCH,
      duplicates: 0,
    })
  })

  it('refuses a payload nested past the depth limit with a 400 naming the event, at 1,100, 5,000 and 50,000 levels', async () => {
    const good = event()
    for (const levels of [MAX_PAYLOAD_DEPTH + 1, 1_100, 5_000, 50_000]) {
      const deep = event({ type: 'exception', category: 'crash' })
      const text = JSON.stringify(batch([good, { ...deep, payload: { nested: 'HERE' } }])).replace(
        '"HERE"',
        nestedArrays(levels - 1),
      )
      const response = await post(`${collector.url}/v1/batch`, text)
      expect(response.status, `${levels} levels`).toBe(400)
      const body = await response.json()
      expect(body).toMatchObject({
        error: 'too_deep',
        limit: MAX_PAYLOAD_DEPTH,
        invalidEvents: [{ index: 1, id: deep.id }],
      })
      expect(body.message).toMatch(/^\/events\/1\/payload\/nested\/0\//)
    }
    // Exactly at the limit is fine: the payload object is level 1.
    const atLimit = JSON.stringify(batch([good, event({ payload: { nested: 'HERE' } })])).replace(
      '"HERE"',
      nestedArrays(MAX_PAYLOAD_DEPTH - 2),
    )
    expect((await post(`${collector.url}/v1/batch`, atLimit)).status).toBe(200)
    expect(await storedIds()).toHaveLength(2)
  })

  it('refuses a batch whose performance_issue value is {"toString": 1} with a 400 naming it; the 20 messages then land', async () => {
    const poison = event({
      type: 'performance_issue',
      category: 'crash',
      payload: { level: 'warning', metric: { name: 'wasm-load', value: { toString: 1 } } },
    })
    const messages = Array.from({ length: 20 }, (_, i) =>
      event({ type: 'message', category: 'crash', payload: { level: 'info', message: `message ${i}` } }),
    )
    const odd = event({
      type: 'canvas_summary',
      payload: {
        performance: { fps: { sum: 10, count: { valueOf: 1 } } },
        collaboration: { latencyMs: { hist: [{ toString: 1 }, 2] } },
      },
    })
    const vital = event({ type: 'web_vital', category: 'performance', payload: { name: '__proto__', value: 3 } })
    const response = await post(`${collector.url}/v1/batch`, batch([poison, ...messages, odd, vital]))
    expect(response.status).toBe(400)
    const answer = await response.json()
    expect(answer.error).toBe('schema_violation')
    expect(answer.invalidEvents[0]).toEqual({ index: 0, id: poison.id })
    expect(await storedIds()).toEqual([])
    // Nothing else is blocked: the same messages in a batch of their own are stored.
    const alone = await post(`${collector.url}/v1/batch`, batch(messages))
    expect(alone.status).toBe(200)
    expect((await storedIds()).sort()).toEqual(messages.map((message) => message.id).sort())
    // Rows stored before the schema covered payloads are still read without throwing.
    expect(extractFacts('performance_issue', poison.payload as Record<string, unknown>).samples).toEqual([])
    expect(extractFacts('canvas_summary', odd.payload as Record<string, unknown>).samples).toEqual([])
    expect(extractFacts('web_vital', vital.payload as Record<string, unknown>).samples).toEqual([])
  })

  it('keeps /v1/stats whole when event types are __proto__ and constructor', async () => {
    await post(
      `${collector.url}/v1/batch`,
      batch([event({ type: '__proto__' }), event({ type: 'constructor' }), event({ type: 'constructor' })]),
    )
    const response = await fetch(`${collector.url}/v1/stats`)
    const text = await response.text()
    expect(text).toContain('"__proto__":1')
    const stats = JSON.parse(text)
    expect(Object.getOwnPropertyDescriptor(stats.byType, 'constructor')?.value).toBe(2)
    expect(stats.total).toBe(3)
    expect(stats.byCategory).toEqual({ analytics: 3 })
  })
})

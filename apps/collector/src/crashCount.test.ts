import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, fakeClock, getJson, post, tempDir, type TestEvent } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

const FINGERPRINT = 'TypeError|stroke # failed|drawStroke@https://app.example/main.js:12'

const exception = (count = 1, fingerprint = FINGERPRINT): TestEvent =>
  event({
    type: 'exception',
    category: 'crash',
    payload: {
      exceptions: [
        {
          type: 'TypeError',
          message: 'stroke 3 failed',
          frames: [{ function: 'drawStroke', file: 'https://app.example/main.js', line: 12, column: 5, inApp: true }],
        },
      ],
      level: 'error',
      fingerprint,
      count,
    },
  })

const counted = (count: unknown, fingerprint: unknown = FINGERPRINT, overrides: Partial<TestEvent> = {}): TestEvent =>
  event({ type: 'crash_count', category: 'crash', payload: { fingerprint, count }, ...overrides })

describe('crash_count records', () => {
  let tmp: ReturnType<typeof tempDir>
  let clock: ReturnType<typeof fakeClock>
  let collector: Collector | undefined
  beforeEach(() => {
    tmp = tempDir()
    clock = fakeClock()
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({
      port: 0,
      dbPath: tmp.db,
      clock,
      alertIntervalMs: 3_600_000,
      rateLimit: false,
      ...options,
    }))
  const topErrors = async (url: string) => (await getJson(`${url}/v1/stats`)).topErrors as any[]

  it("adds a record's count to its error: one exception and a record of 9,999 read as 10,000, with the exception's frames", async () => {
    const { url } = await start()
    expect((await post(`${url}/v1/batch`, batch([exception()]))).status).toBe(200)
    const response = await post(`${url}/v1/batch`, batch([counted(9_999)]))
    expect(await response.json()).toEqual({ accepted: 1, stored: 1, duplicates: 0 })
    const [group, ...others] = await topErrors(url)
    expect(others).toEqual([])
    expect(group).toMatchObject({
      fingerprint: FINGERPRINT,
      kind: 'exception',
      type: 'TypeError',
      message: 'stroke 3 failed',
      count: 10_000,
      frames: [{ function: 'drawStroke', line: 12 }],
    })
  })

  it('counts a retried batch of records once', async () => {
    const { url } = await start()
    const records = batch([exception(), counted(40), counted(2)])
    await post(`${url}/v1/batch`, records)
    expect(await (await post(`${url}/v1/batch`, records)).json()).toEqual({ accepted: 3, stored: 0, duplicates: 3 })
    expect((await topErrors(url))[0].count).toBe(43)
  })

  it('keeps the counts of a fingerprint whose first event has not arrived, and gives the group that event once it does', async () => {
    const { url } = await start({ alerts: { errorRatePerMinute: false, newFingerprint: true } })
    await post(`${url}/v1/batch`, batch([counted(500)]))
    expect(await topErrors(url)).toMatchObject([{ fingerprint: FINGERPRINT, kind: 'counted', count: 500, frames: [] }])
    // A group known only from counts is no new error yet…
    expect(await collector!.checkAlerts()).toEqual([])
    clock.advance(1_000)
    await post(`${url}/v1/batch`, batch([exception(3)]))
    expect(await topErrors(url)).toMatchObject([
      {
        kind: 'exception',
        type: 'TypeError',
        message: 'stroke 3 failed',
        count: 503,
        frames: [{ function: 'drawStroke' }],
      },
    ])
    // …its first event makes it one.
    expect(await collector!.checkAlerts()).toMatchObject([{ rule: 'new_fingerprint', key: FINGERPRINT }])
  })

  it('adds up records posted concurrently, from many tabs, exactly', async () => {
    const { url } = await start()
    await post(`${url}/v1/batch`, batch([exception()]))
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, tab) => post(`${url}/v1/batch`, batch([counted(tab + 1), counted(1_000)]))),
    )
    expect(responses.map((response) => response.status)).toEqual(new Array(20).fill(200))
    // 1 + (1 + … + 20) + 20 × 1,000
    expect((await topErrors(url))[0].count).toBe(1 + 210 + 20_000)
  })

  it('adds the counts of an exception group to the error-rate rule', async () => {
    const { url } = await start({ alerts: { errorRatePerMinute: 100, newFingerprint: false } })
    await post(`${url}/v1/batch`, batch([exception(), counted(150)]))
    expect(await collector!.checkAlerts()).toMatchObject([
      { rule: 'error_rate', value: 151, message: '151 exceptions in the last minute (limit 100)' },
    ])
  })

  it.each([
    ['a count of 0', counted(0), '/payload/count'],
    ['a negative count', counted(-5), '/payload/count'],
    ['a fractional count', counted(1.5), '/payload/count'],
    ['a count over a billion', counted(1_000_000_001), '/payload/count'],
    ['a count as text', counted('9999'), '/payload/count'],
    ['a null count', counted(null), '/payload/count'],
    ['no count', event({ type: 'crash_count', category: 'crash', payload: { fingerprint: FINGERPRINT } }), '/payload'],
    ['no fingerprint', event({ type: 'crash_count', category: 'crash', payload: { count: 5 } }), '/payload'],
    ['an empty fingerprint', counted(5, ''), '/payload/fingerprint'],
    ['a fingerprint of 1,001 characters', counted(5, 'x'.repeat(1001)), '/payload/fingerprint'],
    ['a fingerprint that is an object', counted(5, { toString: 'x' }), '/payload/fingerprint'],
    ['the analytics category', counted(5, FINGERPRINT, { category: 'analytics' }), '/category'],
  ])('refuses a record with %s: 400 naming the event, and nothing changes', async (_name, hostile, path) => {
    const { url } = await start()
    await post(`${url}/v1/batch`, batch([exception()]))
    const valid = counted(10)
    const response = await post(`${url}/v1/batch`, batch([valid, hostile]))
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body).toMatchObject({ error: 'schema_violation', invalidEvents: [{ index: 1, id: hostile.id }] })
    expect(body.problems[0].path).toBe(`/events/1${path}`)
    // The batch is stored whole or not at all: the valid record beside it adds nothing either.
    expect((await topErrors(url))[0].count).toBe(1)
    expect((await getJson(`${url}/v1/events?type=crash_count`)).events).toEqual([])
  })

  it('takes a batch of 1,000 records for 1,000 fingerprints, each a billion', async () => {
    const { url } = await start()
    const records = Array.from({ length: 1_000 }, (_, i) => counted(1e9, `Error|e${i}`))
    expect((await post(`${url}/v1/batch`, batch(records))).status).toBe(200)
    const top = await topErrors(url)
    expect(top).toHaveLength(10)
    expect(top.every((group) => group.count === 1e9)).toBe(true)
  })
})

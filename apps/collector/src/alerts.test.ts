import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MAX_EVENTS_PER_BATCH } from './handleBatch'
import { startCollector } from './startCollector'
import {
  batch,
  event,
  fakeClock,
  getJson,
  post,
  startWebhookReceiver,
  tempDir,
  waitFor,
} from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

const exception = (fingerprint: string, count = 1) =>
  event({
    type: 'exception',
    category: 'crash',
    payload: { exceptions: [{ type: 'TypeError', message: `broke ${fingerprint}`, frames: [] }], fingerprint, count },
  })

describe('collector alerts', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined
  let clock: ReturnType<typeof fakeClock>

  beforeEach(() => {
    tmp = tempDir()
    clock = fakeClock()
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  // A long interval: these tests run the rules themselves with checkAlerts().
  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({
      port: 0,
      dbPath: tmp.db,
      clock,
      alertIntervalMs: 3_600_000,
      rateLimit: false,
      ...options,
    }))

  it('raises an error-rate alert and one alert for the new fingerprints of a run, then keeps quiet during the cooldown', async () => {
    const { url } = await start({
      alerts: { errorRatePerMinute: 10, newFingerprint: true, collabP95Ms: false, inpMs: false },
    })
    await post(`${url}/v1/batch`, batch([exception('fp-a', 6), exception('fp-b', 5)]))
    const raised = await collector!.checkAlerts()
    expect(raised.map((alert) => [alert.rule, alert.key])).toEqual([
      ['error_rate', 'error_rate'],
      ['new_fingerprint', 'fp-a'],
    ])
    expect(raised[0]).toMatchObject({
      value: 11,
      threshold: 10,
      message: '11 exceptions in the last minute (limit 10)',
      webhook: null,
    })
    expect(raised[1]).toMatchObject({
      value: 2,
      message: '2 new errors, first: TypeError: broke fp-a',
      details: {
        total: 2,
        groups: [
          { fingerprint: 'fp-a', count: 6 },
          { fingerprint: 'fp-b', count: 5 },
        ],
      },
    })

    // Same errors again, within the cooldown: nothing new; a known fingerprint is not new.
    clock.advance(10_000)
    await post(`${url}/v1/batch`, batch([exception('fp-a', 20)]))
    expect(await collector!.checkAlerts()).toEqual([])
    // A new fingerprint is, by name.
    await post(`${url}/v1/batch`, batch([exception('fp-c')]))
    const [single] = await collector!.checkAlerts()
    expect(single).toMatchObject({ key: 'fp-c', message: 'new error: TypeError: broke fp-c' })

    // Past the minute window the rate is back under the limit.
    clock.advance(10 * 60_000)
    expect(await collector!.checkAlerts()).toEqual([])
    const { alerts } = await getJson(`${url}/v1/alerts`)
    expect(alerts.map((alert: { key: string }) => alert.key)).toEqual(['fp-c', 'fp-a', 'error_rate'])
    expect((await getJson(`${url}/v1/stats`)).alerts).toHaveLength(3)
  })

  it('raises collaboration p95 and INP alerts over their budgets only', async () => {
    const { url } = await start({
      alerts: { errorRatePerMinute: false, newFingerprint: false, collabP95Ms: 150, inpMs: 200 },
    })
    const summary = (p95: number) =>
      event({
        type: 'perf_summary',
        category: 'performance',
        payload: { collab: { latency: { count: 10, p50: 20, p95, p99: p95 + 10, max: p95 + 20, hist: [] } } },
      })
    const inp = (value: number) =>
      event({ type: 'web_vital', category: 'performance', payload: { name: 'INP', value, rating: 'good', id: 'x' } })
    await post(`${url}/v1/batch`, batch([summary(90), inp(100), inp(150), inp(180), inp(190)]))
    expect(await collector!.checkAlerts()).toEqual([])
    await post(`${url}/v1/batch`, batch([summary(240), inp(600), inp(700), inp(800), inp(900)]))
    const raised = await collector!.checkAlerts()
    expect(raised.map((alert) => alert.rule).sort()).toEqual(['collab_p95', 'inp'])
    expect(raised.find((alert) => alert.rule === 'collab_p95')).toMatchObject({ value: 240, threshold: 150 })
    expect(raised.find((alert) => alert.rule === 'inp')!.value).toBeGreaterThan(200)
  })

  it('POSTs each alert to the webhook from the timed rule run, and records its status', async () => {
    const hook = await startWebhookReceiver()
    try {
      const { url } = await start({
        webhookUrl: hook.url,
        alertIntervalMs: 20,
        alerts: { errorRatePerMinute: false, newFingerprint: true, collabP95Ms: false, inpMs: false },
      })
      const controller = new AbortController()
      const stream = (await fetch(`${url}/v1/stream`, { signal: controller.signal }))
        .body!.pipeThrough(new TextDecoderStream())
        .getReader()
      await post(`${url}/v1/batch`, batch([exception('fp-hook')]))
      const call = await waitFor(() => hook.received[0])
      expect(call.headers['content-type']).toBe('application/json')
      expect(call.body).toMatchObject({
        source: 'marco-collector',
        alert: { rule: 'new_fingerprint', key: 'fp-hook', message: 'new error: TypeError: broke fp-hook' },
      })
      const stored = await waitFor(async () => {
        const [alert] = (await getJson(`${url}/v1/alerts`)).alerts
        return alert?.webhook ? alert : undefined
      })
      expect(stored.webhook).toBe('200')
      // The dashboard stream announced it.
      let text = ''
      await waitFor(
        async () => ((text += (await stream.read()).value ?? ''), text.includes('event: alert') || undefined),
      )
      controller.abort()
      expect(hook.received).toHaveLength(1)
    } finally {
      await collector?.close()
      collector = undefined
      await hook.close()
    }
  })

  it('records a failing webhook without losing the alert', async () => {
    const { url } = await start({
      webhookUrl: 'http://127.0.0.1:9/unreachable',
      alerts: { errorRatePerMinute: false, newFingerprint: true, collabP95Ms: false, inpMs: false },
    })
    await post(`${url}/v1/batch`, batch([exception('fp-x')]))
    const [alert] = await collector!.checkAlerts()
    expect(alert!.webhook).toMatch(/^error: /)
    expect((await getJson(`${url}/v1/alerts`)).alerts[0].webhook).toMatch(/^error: /)
  })

  it('still alerts on 50 new errors after a poisoned event: the deep one is refused, an old deep row is never parsed', async () => {
    const { url } = await start({
      alerts: { errorRatePerMinute: 10, newFingerprint: true, collabP95Ms: false, inpMs: false },
    })
    const poisoned = JSON.stringify(batch([exception('fp-poison')])).replace(
      '"frames":[]',
      `"frames":${'['.repeat(1_100)}${']'.repeat(1_100)}`,
    )
    const refused = await post(`${url}/v1/batch`, poisoned)
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'too_deep' })
    // A row as deep, stored by an earlier collector, sits in the window.
    const db = new Database(tmp.db)
    db.prepare(
      'INSERT INTO events (id, type, category, ts, received_at, session_id, sdk, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      'old-poisoned-row',
      'exception',
      'crash',
      1,
      clock.now(),
      's',
      'old',
      `{"count":${'['.repeat(1_100)}${']'.repeat(1_100)}}`,
    )
    db.close()
    const errors = Array.from({ length: 50 }, (_, i) => exception(`fp-${i}`))
    expect((await post(`${url}/v1/batch`, batch(errors))).status).toBe(200)
    const raised = await collector!.checkAlerts()
    expect(raised.map((alert) => alert.rule)).toEqual(['error_rate', 'new_fingerprint'])
    expect(raised[0]!.value).toBe(50)
    expect(raised[1]!.details).toMatchObject({ total: 50, listed: 50 })
  })

  it('keeps alerting with 140,000 perf_summary rows in the window: the new fingerprint that arrived meanwhile is alerted', async () => {
    const { url } = await start({
      alerts: { errorRatePerMinute: false, newFingerprint: true, collabP95Ms: 150, inpMs: false },
    })
    const summary = (i: number) =>
      event({
        type: 'perf_summary',
        category: 'performance',
        payload: { collab: { latency: { count: 10, p50: 20, p95: 100 + (i % 100), p99: 300 } } },
      })
    for (let sent = 0; sent < 140_000; ) {
      const bodies = Array.from({ length: 4 }, () => {
        const events = Array.from({ length: MAX_EVENTS_PER_BATCH }, () => summary(sent++))
        return batch(events)
      })
      const statuses = await Promise.all(bodies.map(async (body) => (await post(`${url}/v1/batch`, body)).status))
      expect(statuses).toEqual([200, 200, 200, 200])
    }
    await post(`${url}/v1/batch`, batch([exception('fp-meanwhile')]))
    const raised = await collector!.checkAlerts()
    expect(raised.map((alert) => [alert.rule, alert.key])).toEqual([
      ['new_fingerprint', 'fp-meanwhile'],
      ['collab_p95', 'collab_p95'],
    ])
    expect(raised[1]).toMatchObject({ value: 199, details: { windows: 140_000 } })
  }, 120_000)

  it('turns 3,000 new exceptions into one grouped alert and two webhook POSTs, never more than 4 at once', async () => {
    const hook = await startWebhookReceiver({ holdMs: 20 })
    try {
      const { url } = await start({
        webhookUrl: hook.url,
        alerts: { errorRatePerMinute: 10, newFingerprint: true, collabP95Ms: false, inpMs: false },
      })
      for (let part = 0; part < 3; part++) {
        const errors = Array.from({ length: 1_000 }, (_, i) => exception(`fp-${part}-${i}`))
        expect((await post(`${url}/v1/batch`, batch(errors))).status).toBe(200)
      }
      const raised = await collector!.checkAlerts()
      expect(raised.map((alert) => alert.rule)).toEqual(['error_rate', 'new_fingerprint'])
      expect(raised[1]).toMatchObject({
        value: 3_000,
        message: expect.stringMatching(/^3000 new errors, first: TypeError: broke fp-0-0/),
        details: { total: 3_000, listed: 100 },
      })
      expect((raised[1]!.details.groups as unknown[]).length).toBe(100)
      expect(hook.received.map((call) => call.body.alert.rule).sort()).toEqual(['error_rate', 'new_fingerprint'])
      expect(raised.every((alert) => alert.webhook === '200')).toBe(true)
      // Every group was announced with that alert: the next run has nothing new.
      expect(await collector!.checkAlerts()).toEqual([])
      expect(hook.maxOpen).toBeLessThanOrEqual(4)
    } finally {
      await collector?.close()
      collector = undefined
      await hook.close()
    }
  })
})

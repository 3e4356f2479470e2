import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, fakeClock, getJson, post, tempDir, waitFor } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

/** A second local server that records the webhook calls it receives. */
async function startWebhookReceiver(status = 200) {
  const received: { headers: IncomingMessage['headers']; body: any }[] = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const exception = (fingerprint: string, count = 1) =>
  event({ type: 'exception', category: 'crash', payload: { exceptions: [{ type: 'TypeError', message: `broke ${fingerprint}`, frames: [] }], fingerprint, count } })

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
    (collector = await startCollector({ port: 0, dbPath: tmp.db, clock, alertIntervalMs: 3_600_000, rateLimit: false, ...options }))

  it('raises an error-rate alert and one per new fingerprint, then keeps quiet during the cooldown', async () => {
    const { url } = await start({ alerts: { errorRatePerMinute: 10, newFingerprint: true, collabP95Ms: false, inpMs: false } })
    await post(`${url}/v1/batch`, batch([exception('fp-a', 6), exception('fp-b', 5)]))
    const raised = await collector!.checkAlerts()
    expect(raised.map((alert) => [alert.rule, alert.key])).toEqual([
      ['error_rate', 'error_rate'],
      ['new_fingerprint', 'fp-a'],
      ['new_fingerprint', 'fp-b'],
    ])
    expect(raised[0]).toMatchObject({ value: 11, threshold: 10, message: '11 exceptions in the last minute (limit 10)', webhook: null })

    // Same errors again, within the cooldown: nothing new; a known fingerprint is not new.
    clock.advance(10_000)
    await post(`${url}/v1/batch`, batch([exception('fp-a', 20)]))
    expect(await collector!.checkAlerts()).toEqual([])
    // A new fingerprint is.
    await post(`${url}/v1/batch`, batch([exception('fp-c')]))
    expect((await collector!.checkAlerts()).map((alert) => alert.key)).toEqual(['fp-c'])

    // Past the minute window the rate is back under the limit.
    clock.advance(10 * 60_000)
    expect(await collector!.checkAlerts()).toEqual([])
    const { alerts } = await getJson(`${url}/v1/alerts`)
    expect(alerts.map((alert: { key: string }) => alert.key)).toEqual(['fp-c', 'fp-b', 'fp-a', 'error_rate'])
    expect((await getJson(`${url}/v1/stats`)).alerts).toHaveLength(4)
  })

  it('raises collaboration p95 and INP alerts over their budgets only', async () => {
    const { url } = await start({ alerts: { errorRatePerMinute: false, newFingerprint: false, collabP95Ms: 150, inpMs: 200 } })
    const summary = (p95: number) => event({ type: 'perf_summary', category: 'performance', payload: { collab: { latency: { count: 10, p50: 20, p95, p99: p95 + 10, max: p95 + 20, hist: [] } } } })
    const inp = (value: number) => event({ type: 'web_vital', category: 'performance', payload: { name: 'INP', value, rating: 'good', id: 'x' } })
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
      const { url } = await start({ webhookUrl: hook.url, alertIntervalMs: 20, alerts: { errorRatePerMinute: false, newFingerprint: true, collabP95Ms: false, inpMs: false } })
      const controller = new AbortController()
      const stream = (await fetch(`${url}/v1/stream`, { signal: controller.signal })).body!.pipeThrough(new TextDecoderStream()).getReader()
      await post(`${url}/v1/batch`, batch([exception('fp-hook')]))
      const call = await waitFor(() => hook.received[0])
      expect(call.headers['content-type']).toBe('application/json')
      expect(call.body).toMatchObject({ source: 'marco-collector', alert: { rule: 'new_fingerprint', key: 'fp-hook', message: 'new error: TypeError: broke fp-hook' } })
      const stored = await waitFor(async () => {
        const [alert] = (await getJson(`${url}/v1/alerts`)).alerts
        return alert?.webhook ? alert : undefined
      })
      expect(stored.webhook).toBe('200')
      // The dashboard stream announced it.
      let text = ''
      await waitFor(async () => ((text += (await stream.read()).value ?? ''), text.includes('event: alert') || undefined))
      controller.abort()
      expect(hook.received).toHaveLength(1)
    } finally {
      await collector?.close()
      collector = undefined
      await hook.close()
    }
  })

  it('records a failing webhook without losing the alert', async () => {
    const { url } = await start({ webhookUrl: 'http://127.0.0.1:9/unreachable', alerts: { errorRatePerMinute: false, newFingerprint: true, collabP95Ms: false, inpMs: false } })
    await post(`${url}/v1/batch`, batch([exception('fp-x')]))
    const [alert] = await collector!.checkAlerts()
    expect(alert!.webhook).toMatch(/^error: /)
    expect((await getJson(`${url}/v1/alerts`)).alerts[0].webhook).toMatch(/^error: /)
  })
})

import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CSP_WINDOW_MS } from './handleCspReport'
import { MAX_CSP_REPORTS_PER_BODY } from './parseCspReports'
import { startCollector } from './startCollector'
import { batch, event, fakeClock, getJson, post, tempDir } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

const report = (blocked: string, document = 'https://app.example/board') => ({
  type: 'csp-violation',
  age: 0,
  url: document,
  body: {
    documentURL: document,
    blockedURL: blocked,
    effectiveDirective: 'script-src-elem',
    disposition: 'enforce',
    originalPolicy: "script-src 'self'",
  },
})
const postReports = (url: string, reports: unknown[]) =>
  post(`${url}/v1/csp-report`, reports, { 'content-type': 'application/reports+json' })

describe('collector: CSP report floods and retention', () => {
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

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, rateLimit: false, clock, ...options }))
  const cspEvents = async (url: string) =>
    (await getJson(`${url}/v1/events?type=csp_violation`)).events as {
      payload: { blockedUri: string; count: number }
    }[]
  const rows = (table: string) => {
    const db = new Database(tmp.db, { readonly: true })
    const { n } = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }
    db.close()
    return n
  }

  it('counts a flood of one violation as one event per window, reads at most 100 reports per body', async () => {
    const { url } = await start()
    const flood = Array.from({ length: 150 }, () => report('https://evil.example/x.js'))
    const first = await postReports(url, flood)
    expect(first.status).toBe(204)
    expect([
      first.headers.get('x-marco-stored'),
      first.headers.get('x-marco-counted'),
      first.headers.get('x-marco-ignored'),
    ]).toEqual(['1', String(MAX_CSP_REPORTS_PER_BODY - 1), '50'])
    for (let i = 0; i < 20; i++)
      expect((await postReports(url, [report('https://evil.example/x.js')])).headers.get('x-marco-counted')).toBe('1')
    await postReports(url, [
      report('https://other.example/y.js'),
      report('https://evil.example/x.js', 'https://app.example/settings'),
    ])
    const stored = await cspEvents(url)
    expect(stored).toHaveLength(3)
    expect(
      stored.find((e) => e.payload.blockedUri === 'https://evil.example/x.js' && e.payload.count > 1)!.payload.count,
    ).toBe(MAX_CSP_REPORTS_PER_BODY + 20)
    expect(rows('events')).toBe(3)
    // The error group is per directive and blocked URI, over every document: the settings page's report joins it.
    expect((await getJson(`${url}/v1/stats`)).topErrors[0]).toMatchObject({
      type: 'csp',
      count: MAX_CSP_REPORTS_PER_BODY + 21,
    })
    // The next window starts a new count.
    clock.advance(CSP_WINDOW_MS)
    await postReports(url, [report('https://evil.example/x.js')])
    expect(rows('events')).toBe(4)
  })

  it('deletes rows older than retentionDays from every table, keeping the recent ones', async () => {
    const { url } = await start({
      retentionDays: 7,
      alerts: { errorRatePerMinute: 1, newFingerprint: true, collabP95Ms: false, inpMs: false },
    })
    const crash = (fingerprint: string) =>
      event({
        type: 'exception',
        category: 'crash',
        payload: { exceptions: [{ type: 'Error', message: fingerprint, frames: [] }], fingerprint, count: 2 },
      })
    await post(
      `${url}/v1/batch`,
      batch([crash('old-1'), event()], {
        dropped: [{ category: 'analytics', reason: 'queue_full', count: 3 }],
        context: { release: '1.0.0' },
      }),
    )
    await postReports(url, [report('https://evil.example/old.js')])
    expect(await collector!.checkAlerts()).toHaveLength(2)
    clock.advance(8 * 86_400_000)
    const recent = event()
    await post(`${url}/v1/batch`, batch([recent]))
    const deleted = await collector!.applyRetention()
    expect(deleted).toEqual({
      events: 3,
      samples: 1,
      drops: 1,
      errors: 2,
      alerts: 2,
      csp_windows: 1,
      session_releases: 1,
      session_health: 1,
    })
    expect((await getJson(`${url}/v1/events`)).events.map((e: { id: string }) => e.id)).toEqual([recent.id])
    expect((await getJson(`${url}/v1/alerts`)).alerts).toEqual([])
    expect((await getJson(`${url}/v1/stats`)).drops).toEqual([])
    expect(await collector!.applyRetention()).toEqual({
      events: 0,
      samples: 0,
      drops: 0,
      errors: 0,
      alerts: 0,
      csp_windows: 0,
      session_releases: 0,
      session_health: 0,
    })
  })

  it('keeps everything with retentionDays 0', async () => {
    const { url } = await start({ retentionDays: 0 })
    await post(`${url}/v1/batch`, batch([event()]))
    clock.advance(365 * 86_400_000)
    expect(await collector!.applyRetention()).toEqual({})
    expect(rows('events')).toBe(1)
  })
})

import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { MIGRATIONS } from './migrations'
import { startCollector } from './startCollector'
import { batch, event, fakeClock, getJson, post, rawRequest, tempDir, waitFor } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

describe('startCollector', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined

  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, ...options }))
  const events = (url: string, query = '') =>
    getJson<{ events: any[] }>(`${url}/v1/events${query}`).then((body) => body.events)

  it('stores a valid batch and returns its events newest first, with parsed payloads', async () => {
    const { url } = await start()
    const first = event({ type: 'page', payload: { url: 'https://app.example/board', path: '/board' } })
    const second = event({
      type: 'exception',
      category: 'crash',
      payload: {
        exceptions: [{ type: 'TypeError', message: 'x is undefined', frames: [] }],
        fingerprint: 'fp-1',
        count: 1,
      },
    })
    const response = await post(`${url}/v1/batch`, batch([first, second]))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ accepted: 2, stored: 2, duplicates: 0 })
    // A later batch is newer.
    const third = event({ type: 'track', payload: { name: 'export', properties: { format: 'svg' } } })
    await post(`${url}/v1/batch`, batch([third]))

    const all = await events(url)
    expect(all.map((e) => e.id)).toEqual([third.id, expect.any(String), expect.any(String)])
    expect(all.find((e) => e.id === first.id)).toMatchObject({
      type: 'page',
      category: 'analytics',
      sessionId: 'session-1',
      sdk: '@marco/test 0.0.0',
      payload: first.payload,
    })
    expect((await events(url, '?category=crash')).map((e) => e.id)).toEqual([second.id])
    expect((await events(url, '?type=page')).map((e) => e.id)).toEqual([first.id])
    expect(await events(url, '?limit=1')).toHaveLength(1)
  })

  it('accepts application/json as well as the SDK text/plain', async () => {
    const { url } = await start()
    const response = await post(`${url}/v1/batch`, batch([event()]), { 'content-type': 'application/json' })
    expect(response.status).toBe(200)
    const refused = await post(`${url}/v1/batch`, batch([event()]), {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(refused.status).toBe(415)
    expect(await refused.json()).toMatchObject({ error: 'unsupported_media_type' })
    expect(await events(url)).toHaveLength(1)
  })

  it('answers malformed JSON with a 400 that names the problem, storing nothing', async () => {
    const { url } = await start()
    const response = await post(`${url}/v1/batch`, '{"v":1,"events":[')
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toBe('invalid_json')
    expect(body.message).toMatch(/not JSON/)
    expect(await events(url)).toEqual([])
  })

  it('answers a schema violation with a 400 naming the first problem and its event, and stores none of the batch', async () => {
    const { url } = await start()
    const good = event()
    const bad = event({ id: 'short', category: 'marketing' as never })
    const response = await post(`${url}/v1/batch`, batch([good, bad]))
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toBe('schema_violation')
    expect(body.problems).toEqual([{ path: '/events/1/id', message: 'must NOT have fewer than 8 characters' }])
    expect(body.invalidEvents).toEqual([{ index: 1, id: 'short' }])
    expect(body.message).toContain('/events/1/id')
    const extra = await post(`${url}/v1/batch`, batch([good], { extra: true }))
    expect(await extra.json()).toMatchObject({
      error: 'schema_violation',
      problems: [{ path: '/', message: "must NOT have additional properties ('extra')" }],
      invalidEvents: [],
    })
    expect(await events(url)).toEqual([])
  })

  it('answers an unknown wire version with a 400 naming the versions it reads', async () => {
    const { url } = await start()
    const response = await post(`${url}/v1/batch`, batch([event()], { v: 2 }))
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: 'unsupported_version',
      supported: [1],
      message: expect.stringContaining('version 2'),
    })
    expect(await events(url)).toEqual([])
  })

  it('answers a body over 1 MB with a 413, declared or streamed, storing nothing', async () => {
    const { url } = await start()
    const big = batch([event({ payload: { blob: 'x'.repeat(1024 * 1024) } })])
    const declared = await post(`${url}/v1/batch`, big)
    expect(declared.status).toBe(413)
    expect(await declared.json()).toMatchObject({ error: 'payload_too_large', limit: 1024 * 1024 })
    // Chunked, without content-length: refused once the bytes received pass the limit.
    const streamed = await rawRequest(
      `${url}/v1/batch`,
      { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' },
      (req) => {
        const text = JSON.stringify(big)
        for (let i = 0; i < text.length; i += 64 * 1024) req.write(text.slice(i, i + 64 * 1024))
        req.end()
      },
    )
    expect(streamed.status).toBe(413)
    expect(await events(url)).toEqual([])
    // The collector still serves.
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
  })

  it('stores a retried batch once (event ids are idempotent)', async () => {
    const { url } = await start()
    const body = batch([event(), event(), event()])
    expect(await (await post(`${url}/v1/batch`, body)).json()).toEqual({ accepted: 3, stored: 3, duplicates: 0 })
    expect(await (await post(`${url}/v1/batch`, body)).json()).toEqual({ accepted: 3, stored: 0, duplicates: 3 })
    expect(await events(url)).toHaveLength(3)
    expect((await getJson(`${url}/v1/stats`)).total).toBe(3)
  })

  it('answers 429 with Retry-After once a client passes the configured rate, and lets it in again later', async () => {
    const clock = fakeClock()
    const { url } = await start({ rateLimit: { requests: 2, windowMs: 10_000 }, clock })
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    const limited = await post(`${url}/v1/batch`, batch([event()]))
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('5')
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' })
    expect(await events(url)).toHaveLength(2)
    clock.advance(5_000)
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
  })

  it('stores CSP reports in the report-uri format', async () => {
    const { url } = await start()
    const response = await post(
      `${url}/v1/csp-report`,
      {
        'csp-report': {
          'document-uri': 'https://app.example/board',
          'violated-directive': 'script-src-elem',
          'effective-directive': 'script-src-elem',
          'original-policy': "script-src 'self'",
          'blocked-uri': 'https://evil.example/x.js',
          disposition: 'enforce',
          'line-number': 12,
          'source-file': 'https://app.example/main.js',
          'status-code': 200,
        },
      },
      { 'content-type': 'application/csp-report' },
    )
    expect(response.status).toBe(204)
    const [stored] = await events(url, '?type=csp_violation')
    expect(stored).toMatchObject({
      category: 'crash',
      payload: {
        format: 'report-uri',
        directive: 'script-src-elem',
        blockedUri: 'https://evil.example/x.js',
        documentUrl: 'https://app.example/board',
        line: 12,
        disposition: 'enforce',
      },
    })
  })

  it('stores CSP reports in the Reporting API format, skipping reports of other types', async () => {
    const { url } = await start()
    const response = await post(
      `${url}/v1/csp-report`,
      [
        {
          type: 'csp-violation',
          age: 10,
          url: 'https://app.example/board',
          user_agent: 'Chrome',
          body: {
            documentURL: 'https://app.example/board',
            blockedURL: 'inline',
            effectiveDirective: 'style-src-attr',
            disposition: 'enforce',
            sample: 'color: red',
            statusCode: 200,
            originalPolicy: "style-src 'self'",
          },
        },
        { type: 'deprecation', age: 0, url: 'https://app.example/', body: { id: 'x' } },
      ],
      { 'content-type': 'application/reports+json' },
    )
    expect(response.status).toBe(204)
    expect(response.headers.get('x-marco-ignored')).toBe('1')
    const stored = await events(url, '?type=csp_violation')
    expect(stored).toHaveLength(1)
    expect(stored[0].payload).toMatchObject({
      format: 'reporting-api',
      directive: 'style-src-attr',
      blockedUri: 'inline',
      sample: 'color: red',
    })
    const bad = await post(`${url}/v1/csp-report`, { hello: 1 }, { 'content-type': 'application/csp-report' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'invalid_report' })
  })

  it('answers CORS for allowed origins only, preflight and simple requests', async () => {
    const { url } = await start({ allowedOrigins: ['https://app.example'] })
    const preflight = (origin: string) =>
      fetch(`${url}/v1/batch`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      })
    const allowed = await preflight('https://app.example')
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST')
    expect(allowed.headers.get('vary')).toBe('Origin')
    const refused = await preflight('https://evil.example')
    expect(refused.status).toBe(403)
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()

    const simple = await post(`${url}/v1/batch`, batch([event()]), { origin: 'https://app.example' })
    expect(simple.status).toBe(200)
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://app.example')
    const foreign = await post(`${url}/v1/batch`, batch([event()]), { origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    expect(await events(url)).toHaveLength(1)
  })

  it('pushes an update on the event stream after an ingest', async () => {
    const { url } = await start()
    const controller = new AbortController()
    const response = await fetch(`${url}/v1/stream`, { signal: controller.signal })
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    // The first chunk says the stream is open; ingest only then.
    text += (await reader.read()).value
    await post(`${url}/v1/batch`, batch([event(), event()]))
    const update = await waitFor(async () => {
      const { value } = await reader.read()
      text += value ?? ''
      return /event: update\ndata: (.*)\n/.exec(text)?.[1]
    })
    expect(JSON.parse(update)).toMatchObject({ events: 2 })
    controller.abort()
  })

  it('answers /healthz', async () => {
    const { url } = await start()
    const response = await fetch(`${url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ status: 'ok' })
  })

  it('serves the dashboard under a strict CSP with its script and style as files', async () => {
    const { url } = await start()
    const page = await fetch(`${url}/dashboard`)
    const csp = page.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("style-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    const html = await page.text()
    expect(html).toContain('<script type="module" src="/dashboard.js"></script>')
    // Nothing inline: no script body, no style element, no style or event-handler attribute.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i)
    expect((await fetch(`${url}/dashboard.js`)).headers.get('content-type')).toContain('text/javascript')
    const axis = await fetch(`${url}/axis.js`)
    expect(axis.headers.get('content-type')).toContain('text/javascript')
    expect(await axis.text()).toContain('export function axisTicks')
    expect((await fetch(`${url}/dashboard.css`)).headers.get('content-type')).toContain('text/css')
    expect((await fetch(`${url}/nope`)).status).toBe(404)
  })

  it('sums what the dashboard shows: counts, drops, web vitals, frame rate, collaboration, top errors', async () => {
    const { url } = await start()
    const vitals = [120, 180, 240, 600].map((value) =>
      event({
        type: 'web_vital',
        category: 'performance',
        payload: {
          name: 'INP',
          value,
          rating: value <= 200 ? 'good' : value <= 500 ? 'needs-improvement' : 'poor',
          id: 'v1',
        },
      }),
    )
    const summary = event({
      type: 'perf_summary',
      category: 'performance',
      payload: {
        frames: { fps: 58.2, frames: 600 },
        collab: { latency: { count: 40, p50: 40, p95: 120, p99: 180, max: 200, hist: [] } },
      },
    })
    const canvas = event({
      type: 'canvas_summary',
      payload: {
        performance: { fps: { count: 10, sum: 240, min: 20, max: 30, hist: [] } },
        collaboration: {
          latencyMs: { count: 10, sum: 500, min: 30, max: 70, hist: [0, 0, 5, 5, 0, 0, 0, 0, 0, 0, 0] },
        },
      },
    })
    const frames = [{ function: 'draw', file: 'https://app.example/main.js', line: 3, column: 14, inApp: true }]
    const crash = event({
      type: 'exception',
      category: 'crash',
      payload: {
        exceptions: [{ type: 'TypeError', message: 'x is undefined', frames }],
        fingerprint: 'fp-1',
        count: 3,
      },
    })
    const unknown = event({ type: 'some_future_type', payload: { whatever: [1, 2] } })
    await post(
      `${url}/v1/batch`,
      batch([...vitals, summary, canvas, crash, unknown], {
        dropped: [
          { category: 'analytics', reason: 'queue_full', count: 7 },
          { category: 'crash', reason: 'rejected', count: 2, status: 400 },
        ],
      }),
    )
    const stats = await getJson(`${url}/v1/stats`)
    expect(stats.total).toBe(8)
    expect(stats.byType).toMatchObject({
      web_vital: 4,
      perf_summary: 1,
      canvas_summary: 1,
      exception: 1,
      some_future_type: 1,
    })
    expect(stats.byCategory).toEqual({ analytics: 2, performance: 5, crash: 1 })
    expect(stats.drops).toEqual(
      expect.arrayContaining([
        { category: 'analytics', reason: 'queue_full', status: null, count: 7 },
        { category: 'crash', reason: 'rejected', status: 400, count: 2 },
      ]),
    )
    expect(stats.webVitals.INP).toMatchObject({
      count: 4,
      p50: 210,
      ratings: { good: 2, 'needs-improvement': 1, poor: 1 },
      thresholds: [200, 500],
    })
    expect(stats.webVitals.LCP.count).toBe(0)
    expect(stats.fps.count).toBe(2)
    expect(stats.fps.hist[2]).toBe(1) // 24 fps: [20, 30)
    expect(stats.fps.hist[6]).toBe(1) // 58.2 fps: [55, 59)
    expect(stats.collaboration.at(-1)).toMatchObject({ p95: 120, p99: 180 })
    expect(stats.topErrors).toEqual([
      expect.objectContaining({
        fingerprint: 'fp-1',
        type: 'TypeError',
        message: 'x is undefined',
        count: 3,
        frames: [expect.objectContaining({ function: 'draw', line: 3 })],
      }),
    ])
    expect(stats.eventsPerSecond).toHaveLength(60)
    expect(stats.eventsPerSecond.reduce((sum: number, point: { count: number }) => sum + point.count, 0)).toBe(8)
    expect(stats.budgets).toEqual({ collabP95Ms: 150, inpMs: 200, errorRatePerMinute: 10 })
  })

  it('shuts down gracefully: the in-flight request finishes, then the database closes', async () => {
    const { url } = await start()
    const body = JSON.stringify(batch([event({ id: 'in-flight-event-1' })]))
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const inFlight = rawRequest(
      `${url}/v1/batch`,
      { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
      (req) => {
        req.write(body.slice(0, 20))
        void released.then(() => req.end(body.slice(20)))
      },
    )
    // The server has the request (its first bytes) before shutdown starts.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const closing = collector!.close()
    collector = undefined
    release()
    const answer = await inFlight
    expect(answer.status).toBe(200)
    await closing
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
    // Closed cleanly: the WAL was checkpointed into the file and removed, and the event is in the file.
    expect(existsSync(`${tmp.db}-wal`)).toBe(false)
    const db = new Database(tmp.db, { readonly: true })
    expect(db.prepare('SELECT id FROM events').all()).toEqual([{ id: 'in-flight-event-1' }])
    db.close()
  })

  it('migrates once: a restart on the same file keeps the data and the schema version', async () => {
    const first = await start()
    const kept = event()
    await post(`${first.url}/v1/batch`, batch([kept]))
    await first.close()
    const second = await start()
    expect((await events(second.url)).map((e) => e.id)).toEqual([kept.id])
    await second.close()
    collector = undefined
    const db = new Database(tmp.db, { readonly: true })
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })
})

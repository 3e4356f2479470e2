import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { countInteractions } from './countInteractions'
import { startCollector } from './startCollector'
import { batch, event, fakeClock, getJson, post, tempDir, type TestEvent } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

const crash = (sessionId: string, payload: Record<string, unknown> = {}): TestEvent =>
  event({
    type: 'exception',
    category: 'crash',
    sessionId,
    payload: {
      exceptions: [{ type: 'TypeError', message: `broke in ${sessionId}`, frames: [] }],
      fingerprint: `fp-${sessionId}`,
      count: 1,
      ...payload,
    },
  })
const track = (sessionId: string): TestEvent => event({ sessionId, type: 'track', payload: { name: 'export' } })
const page = (sessionId: string): TestEvent =>
  event({ sessionId, type: 'page', payload: { url: 'https://app.example/' } })
const summary = (sessionId: string, draws: number, pinches: number): TestEvent =>
  event({
    sessionId,
    type: 'canvas_summary',
    payload: {
      canvas: { draw: { count: draws, sum: 1, min: 1, max: 1, hist: [] } },
      gestures: { pinch: { count: pinches, success: pinches } },
    },
  })

describe('countInteractions', () => {
  it('counts a track call as one and a canvas summary as its actions plus gestures, anything else as none', () => {
    expect(countInteractions('track', {})).toBe(1)
    expect(
      countInteractions('canvas_summary', {
        canvas: { draw: { count: 40 }, erase: { count: 2 } },
        gestures: { pinch: { count: 3 } },
      }),
    ).toBe(45)
    expect(
      countInteractions('canvas_summary', {
        canvas: { draw: { count: '40' }, x: null, y: { count: -5 }, z: { count: Infinity } },
        gestures: 7,
      }),
    ).toBe(0)
    expect(countInteractions('page', { canvas: { draw: { count: 40 } } })).toBe(0)
  })
})

describe('release health', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined
  let clock: ReturnType<typeof fakeClock>

  beforeEach(() => {
    tmp = tempDir()
    clock = fakeClock()
  })
  afterEach(async () => {
    vi.useRealTimers()
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, clock, alertIntervalMs: 3_600_000, ...options }))
  const releases = async (url: string) => (await getJson(`${url}/v1/releases`)).releases as any[]

  it('shows per release the sessions, crash-free rate and errors per 1,000 interactions, counting a retried batch once', async () => {
    const { url } = await start()
    const first = batch([page('a'), track('a'), summary('a', 40, 9), crash('a', { count: 3 }), track('b'), page('c')], {
      context: { release: '2.0.0' },
    })
    await post(`${url}/v1/batch`, first)
    await post(`${url}/v1/batch`, first) // a retry: every id is known
    // The crash reporter's own release names the session when the batch context does not.
    await post(`${url}/v1/batch`, batch([crash('d', { release: '2.1.0' }), track('d')]))
    await post(`${url}/v1/batch`, batch([page('e')]))

    expect(await releases(url)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          release: '2.0.0',
          sessions: 3,
          crashedSessions: 1,
          crashFreeRate: 2 / 3,
          errors: 3,
          interactions: 51,
          errorsPer1000Interactions: (3 * 1000) / 51,
        }),
        expect.objectContaining({
          release: '2.1.0',
          sessions: 1,
          crashedSessions: 1,
          crashFreeRate: 0,
          errors: 1,
          interactions: 1,
        }),
        expect.objectContaining({
          release: null,
          sessions: 1,
          crashedSessions: 0,
          crashFreeRate: 1,
          errors: 0,
          interactions: 0,
          errorsPer1000Interactions: null,
        }),
      ]),
    )
    expect(await releases(url)).toHaveLength(3)
    // Later events add to what was counted.
    await post(`${url}/v1/batch`, batch([crash('b')], { context: { release: '2.0.0' } }))
    expect((await releases(url)).find((r) => r.release === '2.0.0')).toMatchObject({
      sessions: 3,
      crashedSessions: 2,
      errors: 4,
    })
  })

  it("adds a crash_count record's occurrences of an exception to its session's errors, not those of a message", async () => {
    const { url } = await start()
    const count = (sessionId: string, fingerprint: string, n: unknown): TestEvent =>
      event({ sessionId, type: 'crash_count', category: 'crash', payload: { fingerprint, count: n } })
    const message = event({
      sessionId: 'a',
      type: 'message',
      category: 'crash',
      payload: { message: 'low memory', level: 'warning', fingerprint: 'fp-message', count: 1 },
    })
    await post(`${url}/v1/batch`, batch([track('a'), crash('a'), message], { context: { release: '5.0.0' } }))
    // The page hid: 9,999 more of the exception and 4 more of the message were counted, not sent.
    await post(
      `${url}/v1/batch`,
      batch([count('a', 'fp-a', 9_999), count('a', 'fp-message', 4), count('a', 'fp-never-seen', 7)], {
        context: { release: '5.0.0' },
      }),
    )
    expect(await releases(url)).toEqual([
      expect.objectContaining({ release: '5.0.0', sessions: 1, crashedSessions: 1, errors: 10_000, interactions: 1 }),
    ])
  })

  it('ignores a release that is not a short printable text, and a hostile batch context changes nothing else', async () => {
    const { url } = await start()
    for (const release of ['x'.repeat(201), { toString: 1 }, '', 'a\nb', 7]) {
      expect((await post(`${url}/v1/batch`, batch([track('s')], { context: { release } }))).status).toBe(200)
    }
    expect(await releases(url)).toEqual([expect.objectContaining({ release: null, sessions: 1, interactions: 5 })])
  })

  it('alerts per release whose crash-free sessions fall below the threshold, only with enough sessions', async () => {
    const { url } = await start({
      alertCooldownMs: 0,
      alerts: {
        crashFreeSessionsPercent: 95,
        crashFreeMinSessions: 10,
        newFingerprint: false,
        errorRatePerMinute: false,
      },
    })
    const healthy = (from: number, n: number) => Array.from({ length: n }, (_, i) => track(`ok-${from + i}`))
    await post(`${url}/v1/batch`, batch([...healthy(0, 8), crash('bad-1')], { context: { release: '3.0.0' } }))
    await post(`${url}/v1/batch`, batch(healthy(100, 20), { context: { release: '2.9.0' } }))
    expect(await collector!.checkAlerts()).toEqual([]) // 9 sessions of 3.0.0: too few to judge
    await post(`${url}/v1/batch`, batch(healthy(8, 1), { context: { release: '3.0.0' } }))
    const [alert, ...others] = await collector!.checkAlerts()
    expect(others).toEqual([])
    expect(alert).toMatchObject({
      rule: 'crash_free_sessions',
      key: '3.0.0',
      message: 'release 3.0.0: 90 % crash-free sessions (10 sessions), under 95 %',
      value: 90,
      threshold: 95,
      details: { release: '3.0.0', sessions: 10, crashedSessions: 1 },
    })
    // More healthy sessions bring it back above the threshold.
    await post(`${url}/v1/batch`, batch(healthy(9, 30), { context: { release: '3.0.0' } }))
    expect(await collector!.checkAlerts()).toEqual([])
    expect((await getJson(`${url}/v1/releases`)).crashFreeSessionsPercent).toBe(95)
  })

  it("raises a new error's alerts within one alert interval of its first event (measured with a fake clock: 3,766 ms at a 1,234 ms phase, at most 5 s)", async () => {
    // The collector's clock is the fake timers' own time, so an evaluation reads exactly when its tick fires.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'], now: 1_800_000_000_000 })
    const interval = 5_000
    const { url } = await start({
      clock: { now: () => Date.now() },
      alertIntervalMs: interval,
      alerts: { crashFreeSessionsPercent: 99, crashFreeMinSessions: 10, errorRatePerMinute: false },
    })
    const started = Date.now()
    await post(
      `${url}/v1/batch`,
      batch(
        Array.from({ length: 9 }, (_, i) => track(`ok-${i}`)),
        { context: { release: '4.0.0' } },
      ),
    )
    const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms)
    await tick(interval) // one evaluation with nothing wrong
    expect((await getJson(`${url}/v1/alerts`)).alerts).toEqual([])
    await tick(1_234)
    const firstEventAt = Date.now()
    await post(`${url}/v1/batch`, batch([crash('new-session')], { context: { release: '4.0.0' } }))
    let alerts: any[] = []
    for (let step = 0; step < 100 && alerts.length < 2; step++) {
      await tick(100)
      alerts = (await getJson(`${url}/v1/alerts`)).alerts
    }
    const detection = Object.fromEntries(alerts.map((alert) => [alert.rule, alert.ts - firstEventAt]))
    expect(detection).toEqual({ new_fingerprint: interval - 1_234, crash_free_sessions: interval - 1_234 })
    expect(firstEventAt - started).toBe(interval + 1_234)
    expect(Math.max(...(Object.values(detection) as number[]))).toBeLessThanOrEqual(interval)
  })
})

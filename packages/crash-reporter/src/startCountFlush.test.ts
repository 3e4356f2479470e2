import { describe, expect, it } from 'vitest'
import { createFakeContext, createFakeScope } from '@marco/testing'
import { CrashReporter } from './CrashReporter'
import type { CrashReporterOptions } from './types'

/** A reporter on fake parts whose document's visibility the test sets. */
function setUp(options: CrashReporterOptions = {}, consent: 'granted' | 'pending' = 'granted') {
  const document = Object.assign(createFakeScope(), { visibilityState: 'visible' })
  const scope = createFakeScope({ overrides: { document: document as unknown as Document } })
  const context = createFakeContext({ scope, consent: { defaults: { crash: consent } } })
  const reporter = new CrashReporter({ breadcrumbs: false, ...options })
  const stop = reporter.setup(context)
  const hide = () => {
    document.visibilityState = 'hidden'
    document.dispatch('visibilitychange')
  }
  const show = () => {
    document.visibilityState = 'visible'
    document.dispatch('visibilitychange')
  }
  /** What the collector adds up per fingerprint: each exception's `count` plus each record's. */
  const totals = () => {
    const sums: Record<string, number> = {}
    for (const { type, payload } of context.queue.events)
      if (type === 'exception' || type === 'crash_count')
        sums[payload.fingerprint as string] = (sums[payload.fingerprint as string] ?? 0) + (payload.count as number)
    return sums
  }
  return { reporter, context, stop, hide, show, scope, totals }
}

function thrown(message: string): Error {
  return new Error(message)
}

describe('startCountFlush', () => {
  it('sends the occurrences counted since the last send as one crash_count record per fingerprint when the page is hidden', () => {
    const { reporter, context, hide, totals } = setUp()
    for (let i = 0; i < 10_000; i++) reporter.captureException(thrown('stroke failed'))
    for (let i = 0; i < 5; i++) reporter.captureException(new TypeError('layer missing'))
    expect(context.queue.ofType('exception')).toHaveLength(2)
    expect(context.queue.ofType('crash_count')).toEqual([])
    hide()
    const records = context.queue.ofType('crash_count')
    expect(records).toHaveLength(2)
    expect(records[0]).toMatchObject({ category: 'crash', sessionId: 'session-1' })
    expect(records.map((record) => record.payload)).toEqual([
      { fingerprint: expect.stringMatching(/^Error\|stroke failed/), count: 9_999 },
      { fingerprint: expect.stringMatching(/^TypeError\|layer missing/), count: 4 },
    ])
    expect(Object.values(totals())).toEqual([10_000, 5])
  })

  it('counts nothing twice: a pagehide after the hide sends nothing more, and the next occurrences count from zero', () => {
    const { reporter, context, hide, show, scope, totals } = setUp()
    // One error object, so every capture has the same stack (and fingerprint).
    const error = thrown('stroke failed')
    for (let i = 0; i < 50; i++) reporter.captureException(error)
    hide()
    scope.dispatch('pagehide')
    expect(context.queue.ofType('crash_count')).toHaveLength(1)
    // Back on the page: counted again while the quiet period lasts, sent with the next hide.
    show()
    for (let i = 0; i < 7; i++) reporter.captureException(error)
    expect(context.queue.ofType('crash_count')).toHaveLength(1)
    scope.dispatch('pagehide')
    expect(context.queue.ofType('crash_count').map((record) => record.payload.count)).toEqual([49, 7])
    expect(Object.values(totals())).toEqual([57])
  })

  it('leaves the counts to the next send of the same error when that comes first, and sends no empty record', () => {
    const { reporter, context, hide, totals } = setUp({ dedupeWindowMs: 1000 })
    const error = thrown('stroke failed')
    for (let i = 0; i < 3; i++) reporter.captureException(error)
    context.clock.advance(1000)
    reporter.captureException(error)
    expect(context.queue.ofType('exception').map((event) => event.payload.count)).toEqual([1, 3])
    hide()
    expect(context.queue.ofType('crash_count')).toEqual([])
    expect(Object.values(totals())).toEqual([4])
  })

  it('keeps the counts of more distinct errors than the limiter remembers (300, over the per-minute limit)', () => {
    const { reporter, context, hide, totals } = setUp({ maxEventsPerMinute: 30 })
    // Numbers are masked in fingerprints: the names differ in letters.
    const name = (i: number) => `failure ${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`
    for (let round = 0; round < 2; round++) for (let i = 0; i < 300; i++) reporter.captureException(thrown(name(i)))
    expect(context.queue.ofType('exception')).toHaveLength(30)
    hide()
    const sums = Object.values(totals())
    expect(sums).toHaveLength(300)
    expect(sums.every((sum) => sum === 2)).toBe(true)
  })

  it('hands the counts over when the reporter stops, and then listens no more', () => {
    const { reporter, context, stop, scope } = setUp()
    for (let i = 0; i < 20; i++) reporter.captureException(thrown('stroke failed'))
    stop()
    expect(context.queue.ofType('crash_count').map((record) => record.payload.count)).toEqual([19])
    scope.dispatch('pagehide')
    expect(scope.listenerCount('pagehide')).toBe(0)
    expect(context.queue.ofType('crash_count')).toHaveLength(1)
  })

  it('sends no record without crash consent, and none for occurrences counted before it was revoked', () => {
    const { reporter, context, hide } = setUp()
    for (let i = 0; i < 20; i++) reporter.captureException(thrown('stroke failed'))
    context.consent.deny('crash')
    hide()
    context.consent.grant('crash')
    hide()
    expect(context.queue.ofType('crash_count')).toEqual([])
  })

  it('passes each record through beforeSend, which may drop it; a beforeSend that throws is skipped', () => {
    const seen: string[] = []
    const { reporter, context, hide } = setUp({
      beforeSend: (event) => {
        seen.push(event.type)
        if (event.type === 'crash_count' && String(event.payload.fingerprint).startsWith('TypeError')) return null
        if (event.type === 'crash_count') throw new Error('hook bug')
        return event
      },
    })
    for (let i = 0; i < 3; i++) reporter.captureException(thrown('stroke failed'))
    for (let i = 0; i < 3; i++) reporter.captureException(new TypeError('layer missing'))
    hide()
    expect(seen).toEqual(['exception', 'exception', 'crash_count', 'crash_count'])
    expect(context.queue.ofType('crash_count').map((record) => record.payload.count)).toEqual([2])
    expect(context.errors).toHaveLength(1)
  })
})

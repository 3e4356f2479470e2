import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  testPage,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import type { AnalyticsEngine } from './AnalyticsEngine'
import type { Tally } from './AnalyticsEngine.chromium.page'
import { BOUNDS, type HistogramSummary } from './summary'

declare global {
  interface Window {
    analyticsTest: { engine: AnalyticsEngine; tally(): Tally; databases(): Promise<string[]> }
  }
}

interface Received {
  id: string
  type: string
  category: string
  ts: number
  sessionId: string
  payload: Record<string, any>
}

interface Batch {
  context?: Record<string, any>
  events: Received[]
}

const VIEWPORT = { width: 900, height: 700 }
const LOCALE = 'de-DE'
const TITLE = 'Marco board'
/** The board's address; the e-mail in it is what the scrubber must keep out of every event. */
const BOARD = '/board?tool=pen&email=ada%40example.com'

let chromium: LaunchedChromium
let script: string
let collector: TestCollector

beforeAll(async () => {
  ;[chromium, script] = await Promise.all([
    launchChromium(),
    bundleForBrowser(fileURLToPath(new URL('./AnalyticsEngine.chromium.page.ts', import.meta.url))),
  ])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  collector.routes.set('/board', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(testPage('/app.js', TITLE)),
  )
  collector.routes.set('/app.js', (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script))
  collector.routes.set('/elsewhere', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><p>gone'),
  )
})
afterEach(() => collector.close())

/** A fresh profile (no IndexedDB, no localStorage) with a touchscreen, a known viewport and language. */
const newContext = (): Promise<BrowserContext> =>
  chromium.browser.newContext({ viewport: VIEWPORT, locale: LOCALE, hasTouch: true })

async function openBoard(context: BrowserContext, query = ''): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${collector.origin}${BOARD}${query}`)
  await page.waitForFunction(() => !!window.analyticsTest)
  return page
}

/**
 * Real input on the canvas (top left of the page): three mouse strokes (pans), two clicks and two touch taps (taps).
 */
async function interact(page: Page): Promise<void> {
  for (const [x, y] of [
    [50, 50],
    [100, 300],
    [400, 80],
  ] as const) {
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.mouse.move(x + 120, y + 40, { steps: 15 })
    await page.mouse.move(x + 160, y - 30, { steps: 15 })
    await page.mouse.up()
  }
  await page.mouse.click(300, 200)
  await page.mouse.click(320, 220)
  await page.touchscreen.tap(200, 150)
  await page.touchscreen.tap(500, 350)
}

const batches = (): Batch[] =>
  collector.requests.filter((request) => request.status === 200).map((request) => request.body as Batch)
const received = (): Received[] => batches().flatMap((batch) => batch.events)
const ofType = (type: string): Received[] => received().filter((event) => event.type === type)

/** Waits for the one summary and returns it with the batch that carried it. */
async function summaryArrival(): Promise<{ batch: Batch; summary: Received }> {
  await vi.waitFor(() => expect(ofType('canvas_summary')).toHaveLength(1), { timeout: 10_000, interval: 50 })
  const batch = batches().find((candidate) => candidate.events.some((event) => event.type === 'canvas_summary'))!
  return { batch, summary: batch.events.find((event) => event.type === 'canvas_summary')! }
}

/** What the page handled between two tallies. */
function gestureDelta(before: Tally, after: Tally): Tally['gestures'] {
  return Object.fromEntries(
    Object.entries(after.gestures).map(([name, { count, success }]) => [
      name,
      { count: count - (before.gestures[name]?.count ?? 0), success: success - (before.gestures[name]?.success ?? 0) },
    ]),
  )
}

function expectConsistent(draw: HistogramSummary): void {
  expect(draw.min).toBeLessThanOrEqual(draw.max)
  expect(draw.min).toBeGreaterThanOrEqual(0)
  expect(draw.hist).toHaveLength(BOUNDS.durationMs.length + 1)
  expect(draw.hist.reduce((total, n) => total + n, 0)).toBe(draw.count)
}

describe('AnalyticsEngine in Chromium', () => {
  it('sends one canvas summary when the page closes that counts every pointer move and gesture the page handled', async () => {
    const context = await newContext()
    try {
      const page = await openBoard(context)
      await interact(page)
      const handled = await page.evaluate(() => window.analyticsTest.tally())
      // Chromium coalesces pointer moves per frame, so the page's own count is the truth, not the steps sent.
      expect(handled.moves).toBeGreaterThan(10)
      expect(handled.gestures).toEqual({ pan: { count: 3, success: 3 }, tap: { count: 4, success: 4 } })
      // Nothing before the page is hidden: the summary interval is a minute.
      expect(ofType('canvas_summary')).toEqual([])

      // Closed rather than navigated away: when a navigation commits, Playwright's locale emulation no longer
      // reaches the old document, whose pagehide then reads navigator.language as en-US (the other test navigates).
      await page.close({ runBeforeUnload: true })
      const { batch, summary } = await summaryArrival()

      const draw = summary.payload.canvas.draw as HistogramSummary
      expect(Object.keys(summary.payload.canvas)).toEqual(['draw'])
      expect(draw.count).toBe(handled.moves)
      expectConsistent(draw)
      expect(draw.min).toBe(handled.drawMs.min)
      expect(draw.max).toBe(handled.drawMs.max)
      expect(draw.sum).toBeCloseTo(handled.drawMs.sum, 6)
      expect(summary.payload.gestures).toEqual(handled.gestures)
      expect(summary.payload.rejected).toEqual({})
      expect(summary.payload.windowMs).toBeGreaterThan(0)
      expect(summary).toMatchObject({ category: 'analytics', payload: { anonymousId: expect.any(String) } })

      // The host is an IP address, which the scrubber treats as personal data (as it does the e-mail).
      const port = new URL(collector.origin).port
      const url = `http://[Filtered]:${port}/board?tool=pen&email=[Filtered]`
      expect(batch.context).toMatchObject({ url, viewport: VIEWPORT, language: LOCALE })

      const [pageView, ...morePageViews] = ofType('page')
      expect(morePageViews).toEqual([])
      expect(pageView?.payload).toMatchObject({ url, path: '/board', title: TITLE })
      expect(ofType('session_start')).toHaveLength(1)
      expect(ofType('session_start')[0]!.sessionId).not.toBe('')
      expect(new Set(received().map((event) => event.sessionId))).toEqual(new Set([summary.sessionId]))

      expect(collector.storedIds.length).toBeGreaterThanOrEqual(3)
      expect(new Set(collector.storedIds).size).toBe(collector.storedIds.length)
      expect(collector.requests.every((request) => request.status === 200)).toBe(true)
      // The visibilitychange that follows pagehide found nothing more to summarise.
      expect(ofType('canvas_summary')).toHaveLength(1)
    } finally {
      await context.close()
    }
  })

  it('records and stores nothing before analytics consent, and summarises what follows optIn() when the user navigates away', async () => {
    const context = await newContext()
    try {
      const page = await openBoard(context, '&consent=pending')
      await interact(page)
      const before = await page.evaluate(() => window.analyticsTest.tally())
      expect(before.moves).toBeGreaterThan(10)
      // Long enough for a queue to have opened its database (it takes a few ms) had one been created.
      await page.waitForTimeout(500)
      expect(collector.requests).toEqual([])
      expect(await page.evaluate(() => indexedDB.databases())).toEqual([])
      expect(await page.evaluate(() => localStorage.length)).toBe(0)

      await page.evaluate(() => window.analyticsTest.engine.optIn())
      // Consent opens the queue's database: the check above would have seen one.
      await vi.waitFor(
        async () => expect(await page.evaluate(() => window.analyticsTest.databases())).toEqual(['marco-sdk-events']),
        { timeout: 5_000, interval: 20 },
      )
      await interact(page)
      const after = await page.evaluate(() => window.analyticsTest.tally())

      await page.goto(`${collector.origin}/elsewhere`)
      const { summary } = await summaryArrival()

      const draw = summary.payload.canvas.draw as HistogramSummary
      expect(draw.count).toBe(after.moves - before.moves)
      expectConsistent(draw)
      expect(summary.payload.gestures).toEqual({ pan: { count: 3, success: 3 }, tap: { count: 4, success: 4 } })
      expect(summary.payload.gestures).toEqual(gestureDelta(before, after))
      expect(ofType('session_start')).toHaveLength(1)
      // The page the user was on when they consented is recorded then.
      expect(ofType('page').map((event) => event.payload.path)).toEqual(['/board'])
      expect(new Set(collector.storedIds).size).toBe(collector.storedIds.length)
    } finally {
      await context.close()
    }
  })
})

import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bundleForBrowser,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchChromium,
  startTestCollector,
  testPage,
  watchBackForwardCache,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import type { BudgetBreach, PerformanceAnalytics, UserExperienceMetrics } from './index'

declare global {
  interface Window {
    marcoPerf: {
      perf: PerformanceAnalytics
      ux(): UserExperienceMetrics
      breaches(): BudgetBreach[]
      shifted(): boolean
      connectPeers(): Promise<void>
      appInp(): Record<string, unknown> & { value: number }
    }
  }
}

type Received = { type: string; category: string; payload: Record<string, any> }

let chromium: LaunchedChromium
let script: string
let collector: TestCollector

beforeAll(async () => {
  ;[chromium, script] = await Promise.all([
    launchChromium(),
    bundleForBrowser(fileURLToPath(new URL('./PerformanceAnalytics.chromium.page.ts', import.meta.url))),
  ])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  collector.routes.set('/', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end(testPage('/app.js', 'marco perf test')),
  )
  collector.routes.set('/app.js', (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script))
  collector.routes.set('/elsewhere', (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><link rel="icon" href="data:,"><p>elsewhere'),
  )
})
afterEach(() => collector.close())

const received = (): Received[] =>
  collector.requests.flatMap((request) => (request.body as { events?: Received[] }).events ?? [])

describe('PerformanceAnalytics in Chromium', () => {
  it('reports CLS > 0 and an INP whose attribution names the slow handler’s element, at the collector', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.marcoPerf && window.marcoPerf.shifted())
      await page.click('#slow')
      // The tap's pointerdown can be presented, and reported as the INP so far (8 ms), before its click runs: wait
      // for the app's own listener to hear the slow click (seen once: the SDK and the app both at 8 ms).
      await page.waitForFunction(
        () =>
          (window.marcoPerf.appInp()?.value ?? 0) >= 290 &&
          window.marcoPerf.ux().INP?.value === window.marcoPerf.appInp().value &&
          (window.marcoPerf.ux().CLS?.value ?? 0) > 0,
        undefined,
        { timeout: 20_000 },
      )
      const appInp = await page.evaluate(() => window.marcoPerf.appInp()!)
      await page.evaluate(() => window.marcoPerf.perf.flush())

      const vitals = Object.fromEntries(
        received()
          .filter((event) => event.type === 'web_vital')
          .map((event) => [event.payload.name, event.payload]),
      )
      expect(vitals.CLS.value).toBeGreaterThan(0)
      expect(vitals.CLS.attribution.largestShiftValue).toBeGreaterThan(0)
      const inp = vitals.INP
      expect(inp.attribution.interactionTarget).toContain('#slow')
      expect(inp.attribution.interactionType).toBe('pointer')
      // The attribution is web-vitals' own, part for part, as a listener of the app's own hears it. (The split
      // itself is the browser's: the handler's 300 ms is usually processing time, but once in eight CI runs it was
      // 1.3 ms — most likely a starved machine presented the frame after pointerdown over 300 ms late, making that
      // event the tap's slowest, whose time is presentation delay. Asserting processing ≥ 290 asserted the load.)
      for (const part of [
        'interactionTarget',
        'interactionType',
        'inputDelay',
        'processingDuration',
        'presentationDelay',
      ])
        expect(inp.attribution[part]).toBe(appInp[part as keyof typeof appInp])
      // Event Timing rounds durations to 8 ms.
      expect(inp.value).toBeGreaterThanOrEqual(290)
      // 300 ms of handler: never 'good'; on a loaded machine the frame after it can push INP past 500 ms.
      expect(['needs-improvement', 'poor']).toContain(inp.rating)
      for (const part of ['inputDelay', 'processingDuration', 'presentationDelay'])
        expect(inp.attribution[part]).toBeTypeOf('number')
      expect(Object.keys(vitals)).toEqual(expect.arrayContaining(['TTFB', 'FCP', 'LCP', 'CLS', 'INP']))

      // Over the 200 ms INP budget: the listener heard it and a budget_breach event arrived with the element.
      const breach = received().find((event) => event.type === 'budget_breach' && event.payload.metric === 'INP')!
      expect(breach.payload).toMatchObject({
        threshold: 200,
        attribution: { interactionTarget: expect.stringContaining('#slow') },
      })
      expect(await page.evaluate(() => window.marcoPerf.breaches().map((b) => b.metric))).toContain('INP')
      // Everything is in the performance category, and frames were summarised, not sent one by one.
      expect(received().every((event) => event.category === 'performance')).toBe(true)
      const summaries = received().filter((event) => event.type === 'perf_summary')
      // One per summary window (a slow run can span two), never one per frame.
      expect(summaries.length).toBeGreaterThanOrEqual(1)
      expect(summaries.length).toBeLessThanOrEqual(3)
      expect(summaries[0]!.payload.frames.frames).toBeGreaterThan(1)
    } finally {
      await context.close()
    }
  })

  it('reads an RTT from two RTCPeerConnections connected on the same page', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.marcoPerf)
      await page.evaluate(() => window.marcoPerf.connectPeers())
      // Stats are polled (statsIntervalMs): wait for a reading taken after the channel carried data.
      await page.waitForFunction(
        () => {
          const peer = window.marcoPerf.perf.analyzeCollaborationPerformance().peers[0]
          return peer?.rttMs !== undefined && (peer.bytesSent ?? 0) > 0
        },
        undefined,
        { timeout: 20_000 },
      )
      const collab = await page.evaluate(() => window.marcoPerf.perf.analyzeCollaborationPerformance())
      expect(collab.peersConnected).toBe(1)
      expect(collab.peers[0]!.rttMs).toBeGreaterThanOrEqual(0)
      expect(collab.peers[0]!.candidateType).toBe('host')
      await page.evaluate(() => window.marcoPerf.perf.flush())
      const summary = received().find((event) => event.type === 'perf_summary')!
      expect(summary.payload.collab.rtt.count).toBeGreaterThanOrEqual(1)
      expect(summary.payload.collab.rtt.p50).toBeGreaterThanOrEqual(0)
      expect(summary.payload.collab.peers[0].bytesSent).toBeGreaterThan(0)
    } finally {
      await context.close()
    }
  })

  it('starts new Web Vitals after a back/forward-cache restore and resumes frame monitoring', async () => {
    // playwright turns the back/forward cache off by default; this browser keeps it on.
    const { chromium: driver } = await import('playwright-core')
    const browser = await driver.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    })
    try {
      const page = await browser.newPage()
      // Why the browser did not restore the page from the cache, if it did not (so a failure says why).
      const { notRestored } = await watchBackForwardCache(page)
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.marcoPerf?.ux().LCP)
      const before = await page.evaluate(() => window.marcoPerf.ux().LCP!.id)
      await page.goto(`${collector.origin}/elsewhere`)
      // A restored page fires pageshow, not load: wait for the commit only.
      await page.goBack({ waitUntil: 'commit' })
      // Restored, not reloaded: the same page object with its state, and web-vitals reports the restore.
      await page
        .waitForFunction(() => window.marcoPerf?.ux().LCP?.navigationType === 'back-forward-cache', undefined, {
          timeout: 20_000,
        })
        .catch((error: Error) => {
          throw new Error(`no restore from the back/forward cache (${notRestored.join(', ') || 'no reason given'})`, {
            cause: error,
          })
        })
      const after = await page.evaluate(() => window.marcoPerf.ux().LCP!)
      expect(after.id).not.toBe(before)
      await page.waitForFunction(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))),
      )
      await page.evaluate(() => window.marcoPerf.perf.flush())
      await vi.waitFor(() => {
        const lcps = received().filter((event) => event.type === 'web_vital' && event.payload.name === 'LCP')
        expect(lcps.map((event) => event.payload.navigationType)).toContain('back-forward-cache')
      })
      // The summary sent on the way out (pagehide) and the one after the restore both have frames.
      const summaries = received().filter((event) => event.type === 'perf_summary')
      expect(summaries.length).toBeGreaterThanOrEqual(2)
      expect(summaries.at(-1)!.payload.frames.frames).toBeGreaterThan(0)
    } finally {
      await browser.close()
    }
  })

  it('starts new Web Vitals for an SPA (soft) navigation and still sends the previous route’s final values', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.marcoPerf?.ux().LCP)
      const first = await page.evaluate(() => window.marcoPerf.ux().LCP!.id)
      await page.click('#boards')
      await page.waitForFunction(() => window.marcoPerf.ux().LCP?.navigationType === 'soft-navigation', undefined, {
        timeout: 20_000,
      })
      await page.evaluate(() => window.marcoPerf.perf.flush())
      const lcps = received().filter((event) => event.type === 'web_vital' && event.payload.name === 'LCP')
      // Both routes' LCP arrive, though both happened within one summary window.
      expect(lcps.map((event) => event.payload.navigationType)).toEqual(
        expect.arrayContaining(['navigate', 'soft-navigation']),
      )
      expect(lcps.find((event) => event.payload.navigationType === 'navigate')!.payload.id).toBe(first)
      expect(new Set(lcps.map((event) => event.payload.id)).size).toBe(lcps.length)
    } finally {
      await context.close()
    }
  })
})

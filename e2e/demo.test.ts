// End to end: the demo PWA (built by `pnpm run build`) served by its server, the real collector, and
// Debian's Chromium driven with real pointer and touch input. Everything is asserted through the collector's
// HTTP API — what a team would see.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { launchChromium, type LaunchedChromium } from '@marco/testing'
import { startCollector } from '../apps/collector/src/index'
import { startDemoServer } from './demoServer'
// The collector options `pnpm demo` uses: the demo build's source maps read from apps/demo/dist/assets.
import { demoCollectorOptions } from '../scripts/demo.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const artifacts = `${root}e2e/artifacts`

interface StoredEvent {
  id: string
  type: string
  category: string
  sessionId: string
  payload: Record<string, any>
}

interface Frame {
  function: string
  file: string
  line?: number
  column?: number
  functionIndex?: number
  offset?: string
  original?: { file: string; line: number; column: number; function: string }
}

interface TopError {
  type: string
  release?: string
  frames: Frame[]
}

interface ReleaseHealth {
  release: string | null
  sessions: number
  crashedSessions: number
  crashFreeRate: number
  errors: number
  interactions: number
  errorsPer1000Interactions: number | null
}

/** The line of the demo's source that the "Throw error" button throws from (1-based, as stacks print it). */
function throwLine(): number {
  const lines = readFileSync(`${root}apps/demo/src/diagnostics.ts`, 'utf8').split('\n')
  return lines.findIndex((line) => line.includes('throw new DemoCrashError')) + 1
}

let chromium: LaunchedChromium
let collector: Awaited<ReturnType<typeof startCollector>>
let demo: { url: string; close(): Promise<void> }
let dbDir: string
/** The release the demo build compiled in (from its asset manifest). */
let release: string | undefined

beforeAll(async () => {
  dbDir = mkdtempSync(`${tmpdir()}/marco-e2e-`)
  mkdirSync(artifacts, { recursive: true })
  const demoCollector = demoCollectorOptions({ host: '127.0.0.1', demoPort: 0, dbPath: `${dbDir}/collector.sqlite` })
  release = demoCollector.release
  collector = await startCollector({ ...demoCollector.options, port: 0, rateLimit: false, log: () => {} })
  demo = await startDemoServer({ port: 0, host: '127.0.0.1', collectorUrl: collector.url, log: () => {} })
  chromium = await launchChromium()
})

afterAll(async () => {
  await chromium?.close()
  await demo?.close()
  await collector?.close()
  rmSync(dbDir, { recursive: true, force: true })
})

async function events(query = ''): Promise<StoredEvent[]> {
  const response = await fetch(`${collector.url}/v1/events?limit=5000${query}`)
  const body = (await response.json()) as { events: StoredEvent[] }
  return body.events
}

async function openDemo(context: BrowserContext): Promise<{ page: Page; console: string[] }> {
  const page = await context.newPage()
  const messages: string[] = []
  page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`))
  await page.goto(demo.url)
  await page.evaluate(() => window.__marco.ready)
  return { page, console: messages }
}

/** A stroke with the mouse: real pointer events, moved in steps. */
async function stroke(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  await page.mouse.move(...from)
  await page.mouse.down()
  await page.mouse.move(...to, { steps: 25 })
  await page.mouse.up()
}

/** A two-finger pinch with real touch events (CDP: playwright's touchscreen has one finger only). */
async function pinch(page: Page, center: [number, number]): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  const points = (spread: number) => [
    { x: center[0] - spread, y: center[1], id: 1 },
    { x: center[0] + spread, y: center[1], id: 2 },
  ]
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(40) })
  for (let spread = 45; spread <= 120; spread += 5)
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(spread) })
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await cdp.detach()
}

describe('the demo, end to end', () => {
  it('sends aggregated canvas and gesture events, Web Vitals, collaboration latency and every crash, with parsed stacks', async () => {
    const context = await chromium.browser.newContext({ hasTouch: true, viewport: { width: 1280, height: 800 } })
    try {
      const { page, console: messages } = await openDemo(context)
      await page.click('#consent-accept-all')
      const box = (await page.locator('#board').boundingBox())!
      const at = (x: number, y: number): [number, number] => [box.x + x, box.y + y]
      await stroke(page, at(200, 200), at(500, 300))
      await stroke(page, at(250, 400), at(600, 250))
      await page.touchscreen.tap(...at(700, 500))
      await pinch(page, at(640, 400))
      // A collaborator in a second tab: strokes are mirrored through BroadcastChannel.
      const second = await openDemo(context)
      await stroke(second.page, at(300, 500), at(400, 600))
      await page.click('#crash-throw')
      await page.click('#crash-reject')
      await page.click('#crash-wasm-trap')
      await page.click('#crash-csp')
      await page.click('#report-bug')
      await expect
        .poll(() => page.locator('#bug-report-text').textContent(), { timeout: 10_000 })
        .toContain('RuntimeError')
      await page.click('#bug-report-close')
      // Deliver what waits (the summaries go out every 10 s and on page hide).
      await page.evaluate(() => window.__marco.perf.flush?.())
      await page.evaluate(() => window.__marco.client.flush())

      await vi.waitFor(
        async () => {
          await page.evaluate(() => window.__marco.client.flush())
          const all = await events()
          const types = new Set(all.map((event) => event.type))
          for (const type of [
            'canvas_summary',
            'web_vital',
            'perf_summary',
            'exception',
            'csp_violation',
            'page',
            'session_start',
          ])
            expect(types).toContain(type)
          const vitals = new Set(all.filter((event) => event.type === 'web_vital').map((event) => event.payload.name))
          for (const name of ['LCP', 'CLS', 'INP', 'FCP', 'TTFB']) expect(vitals).toContain(name)
          const canvas = all.filter((event) => event.type === 'canvas_summary')
          expect(canvas.reduce((sum, event) => sum + (event.payload.canvas?.draw?.count ?? 0), 0)).toBeGreaterThan(40)
          const gestures = canvas.flatMap((event) => Object.keys(event.payload.gestures ?? {}))
          expect(gestures).toEqual(expect.arrayContaining(['tap', 'pinch']))
        },
        { timeout: 40_000, interval: 1_000 },
      )

      const all = await events()
      const exceptions = all.filter((event) => event.type === 'exception').map((event) => event.payload.exceptions[0])
      // The thrown error, the rejection and the wasm trap, each with a parsed stack.
      expect(exceptions.length).toBeGreaterThanOrEqual(3)
      for (const exception of exceptions) expect(exception.frames.length).toBeGreaterThan(0)
      const trap = exceptions.find((exception) => exception.type === 'RuntimeError')
      expect(trap.message).toMatch(/unreachable/)
      expect(
        trap.frames.some(
          (frame: { functionIndex?: number; module?: string; file?: string }) =>
            frame.functionIndex !== undefined || /wasm/.test(String(frame.file)),
        ),
      ).toBe(true)
      const csp = all.find((event) => event.type === 'csp_violation')!
      expect(csp.payload.directive).toMatch(/require-trusted-types-for|script-src/)
      const summaries = all.filter((event) => event.type === 'perf_summary')
      const collab = summaries
        .map((event) => event.payload.collab ?? event.payload.collaboration)
        .find((value) => value?.latency?.p95 !== undefined)
      expect(collab.latency).toMatchObject({
        p50: expect.any(Number),
        p95: expect.any(Number),
        p99: expect.any(Number),
      })
      // The CSP blocked only what the test triggered on purpose.
      const violations = messages.filter((message) =>
        /Content Security Policy|Trusted ?(Type|Script)|Refused to/i.test(message),
      )
      expect(violations.length).toBeGreaterThan(0)
      expect(violations.every((message) => /__cspProbe|cspProbe|HTMLScriptElement|TrustedScript/i.test(message))).toBe(
        true,
      )

      // Symbolicated with the build's source map, which the collector read from disk: the thrown error's top
      // frame is its line in the demo's source, beside the minified position it arrived with.
      const line = throwLine()
      expect(line).toBeGreaterThan(0)
      const source = { file: 'src/diagnostics.ts', line, column: expect.any(Number), function: expect.any(String) }
      const thrownEvent = exceptions.find((exception) => exception.type === 'DemoCrashError')
      expect(thrownEvent.frames[0]).toMatchObject({ file: expect.stringMatching(/\/assets\/main-\w+\.js$/) })
      const [symbolicated] = (await events('&type=exception'))
        .map((event) => event.payload.exceptions[0])
        .filter((exception) => exception.type === 'DemoCrashError')
      expect(symbolicated.frames[0].original).toEqual(source)
      const stats = (await (await fetch(`${collector.url}/v1/stats`)).json()) as { topErrors: TopError[] }
      const thrown = stats.topErrors.find((error) => error.type === 'DemoCrashError')!
      expect(thrown.frames[0]!.original).toEqual(source)
      // wasm frames keep their name-section symbols and module offsets, untouched by the source map: in the
      // read API's events, and by name (before the JS frames that called them) in the top errors.
      const [trapEvent] = (await events('&type=exception'))
        .map((event) => event.payload.exceptions[0])
        .filter((exception) => exception.type === 'RuntimeError')
      const wasmFrames = (trapEvent.frames as Frame[]).filter((frame) => frame.functionIndex !== undefined)
      expect(wasmFrames.map((frame) => frame.function)).toEqual(['explode', 'trap'])
      for (const frame of wasmFrames) {
        expect(frame).toMatchObject({
          file: expect.stringMatching(/^wasm:/),
          offset: expect.stringMatching(/^0x[0-9a-f]+$/),
        })
        expect(frame.original).toBeUndefined()
      }
      const trapped = stats.topErrors.find((error) => error.type === 'RuntimeError')!
      expect(trapped.frames.slice(0, 2)).toEqual([
        expect.objectContaining({ function: 'explode', file: wasmFrames[0]!.file }),
        expect.objectContaining({ function: 'trap', file: wasmFrames[1]!.file }),
      ])
      expect(trapped.frames.slice(0, 2).map((frame) => frame.original)).toEqual([undefined, undefined])
      expect(trapped.frames[2]!.original).toMatchObject({ file: 'src/smoother.ts' })

      // Release health: the demo's sessions (the only ones this collector saw) with their crash-free share and
      // errors per 1,000 interactions.
      const health = (await (await fetch(`${collector.url}/v1/releases`)).json()) as { releases: ReleaseHealth[] }
      // Every session names the build's release: the worker's batches carry the page's context.
      expect(health.releases.map((entry) => entry.release)).toEqual([release])
      const ours = health.releases[0]!
      const name = ours.release!
      expect(ours.crashedSessions).toBeGreaterThanOrEqual(1)
      expect(ours.crashFreeRate).toBeLessThan(1)
      expect(ours.interactions).toBeGreaterThan(0)
      expect(ours.errorsPer1000Interactions).toBeGreaterThan(0)

      // The dashboard renders what arrived: the original source line first in the top errors, the wasm symbols,
      // and the release's row in the Release health panel.
      const dashboard = await context.newPage()
      await dashboard.goto(`${collector.url}/dashboard`)
      await expect.poll(() => dashboard.locator('body').textContent(), { timeout: 15_000 }).toContain('RuntimeError')
      const topErrors = dashboard.locator('#top-errors')
      await expect.poll(() => topErrors.textContent(), { timeout: 15_000 }).toContain(`src/diagnostics.ts:${line}:`)
      expect(await topErrors.textContent()).toMatch(/at explode wasm:.*at trap wasm:/s)
      const releases = dashboard.locator('#releases')
      await expect.poll(() => releases.textContent(), { timeout: 15_000 }).toContain(name)
      // sessions, crash-free share, errors per 1,000 interactions, interactions (more may arrive meanwhile).
      const row = await releases.locator('tr', { hasText: name }).locator('td').allTextContents()
      expect(row).toEqual([
        name,
        expect.stringMatching(/^\d+$/),
        expect.stringMatching(/^\d{1,3}\.\d %$/),
        expect.stringMatching(/^\d+\.\d\d$/),
        expect.stringMatching(/^[\d,]+$/),
      ])
      expect(Number.parseFloat(row[2]!)).toBeLessThan(100)
      await dashboard.screenshot({ path: `${artifacts}/dashboard.png`, fullPage: true })
      await page.screenshot({ path: `${artifacts}/demo.png` })
    } finally {
      await context.close()
    }
  })

  it('sends no analytics at all when consent is refused', async () => {
    const context = await chromium.browser.newContext()
    try {
      const batches: string[] = []
      context.on('request', (request) => {
        if (request.url().endsWith('/v1/batch')) batches.push(request.postData() ?? '')
      })
      const { page } = await openDemo(context)
      await page.click('#consent-reject')
      const box = (await page.locator('#board').boundingBox())!
      await stroke(page, [box.x + 100, box.y + 100], [box.x + 400, box.y + 300])
      await page.click('#crash-throw')
      await page.evaluate(() => window.__marco.client.flush())
      await page.goto(`${demo.url}/?bye`)
      await page.evaluate(() => window.__marco.ready)
      expect(batches.filter((body) => body.includes('"analytics"'))).toEqual([])
      expect(await page.evaluate(() => localStorage.getItem('marco-demo-consent'))).toBe('none')
    } finally {
      await context.close()
    }
  })

  it('loses nothing across going offline, acting, reloading and coming back online; the reload is served by the service worker', async () => {
    const context = await chromium.browser.newContext()
    try {
      const { page } = await openDemo(context)
      await page.click('#consent-crash-only')
      await page.evaluate(() => navigator.serviceWorker.ready)
      const before = (await events('&type=exception')).length
      await context.setOffline(true)
      await page.click('#crash-throw')
      await page.click('#crash-wasm-trap')
      await page.evaluate(() => window.__marco.client.flush())
      await page.reload()
      await page.evaluate(() => window.__marco.ready)
      // Offline, the page itself came from the service worker's cache.
      const fromWorker = await page.evaluate(() =>
        performance.getEntriesByType('navigation').map((entry) => (entry as PerformanceResourceTiming).workerStart > 0),
      )
      expect(fromWorker).toEqual([true])
      await context.setOffline(false)
      await vi.waitFor(
        async () => {
          // The browser's 'online' may reach the page before the new page's worker listens for it; the sink
          // forwards every 'online' of the page to its worker, so the test repeats the event.
          await page.evaluate(() => window.dispatchEvent(new Event('online')))
          await page.evaluate(() => window.__marco.client.flush())
          expect((await events('&type=exception')).length).toBe(before + 2)
        },
        { timeout: 60_000, interval: 1_000 },
      )
    } finally {
      await context.close()
    }
  }, 120_000)

  it('runs the stroke-smoothing experiment: one exposure per session across a reload, strokes follow the variant, results on the dashboard', async () => {
    const context = await chromium.browser.newContext()
    try {
      const { page } = await openDemo(context)
      await page.click('#consent-accept-all')
      const box = (await page.locator('#board').boundingBox())!
      const at = (x: number, y: number): [number, number] => [box.x + x, box.y + y]
      await stroke(page, at(150, 150), at(450, 250))
      await stroke(page, at(200, 350), at(500, 200))
      await page.evaluate(() => window.__marco.client.flush())
      await page.reload()
      await page.evaluate(() => window.__marco.ready)
      await stroke(page, at(300, 300), at(600, 400))
      const session = await page.evaluate(() => window.__marco.analytics.sessionId())
      const variant = await page.evaluate(() => window.__marco.experiments.variant('stroke-smoothing'))
      expect(['on', 'off']).toContain(variant)

      await vi.waitFor(
        async () => {
          await page.evaluate(() => window.__marco.client.flush())
          const mine = (await events(`&sessionId=${session}`)).filter(
            (event) => event.type === 'experiment_exposure' || event.payload.name === 'stroke_drawn',
          )
          expect(mine.filter((event) => event.payload.name === 'stroke_drawn')).toHaveLength(3)
          const exposures = mine.filter((event) => event.type === 'experiment_exposure')
          expect(exposures).toHaveLength(1)
          expect(exposures[0]!.payload).toMatchObject({
            experiment: 'stroke-smoothing',
            variant,
            variants: ['on', 'off'],
          })
          // Every stroke was drawn the way the variant says.
          for (const track of mine.filter((event) => event.payload.name === 'stroke_drawn'))
            expect(track.payload.properties.smoothed).toBe(variant === 'on')
        },
        { timeout: 40_000, interval: 1_000 },
      )

      const results = (await (
        await fetch(`${collector.url}/v1/experiments/results?conversion=stroke_drawn`)
      ).json()) as any
      const experiment = results.experiments.find((e: { key: string }) => e.key === 'stroke-smoothing')
      expect(experiment.assignment.mismatched).toBe(0)
      expect(experiment.variants.find((v: { name: string }) => v.name === variant).conversions).toBeGreaterThanOrEqual(
        1,
      )
      const dashboard = await context.newPage()
      await dashboard.goto(`${collector.url}/dashboard`)
      await expect
        .poll(() => dashboard.locator('#experiments').textContent(), { timeout: 15_000 })
        .toContain('stroke-smoothing')
      await expect.poll(() => dashboard.locator('#experiments').textContent()).toMatch(/sample ratio (ok|mismatch)/)
      await dashboard.locator('#experiments').screenshot({ path: `${artifacts}/dashboard-experiments.png` })
    } finally {
      await context.close()
    }
  })
})

declare global {
  interface Window {
    __marco: {
      ready: Promise<{ wasm: boolean }>
      client: { flush(): Promise<unknown> }
      perf: { flush?(): Promise<unknown> | void }
      analytics: { sessionId(): string }
      experiments: { variant(key: 'stroke-smoothing'): 'on' | 'off' }
    }
  }
}

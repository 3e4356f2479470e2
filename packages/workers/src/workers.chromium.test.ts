import { fileURLToPath } from 'node:url'
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  testPage,
  watchBackForwardCache,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import type { BrowserContext } from 'playwright-core'
import type { WorkerPoolStats } from './WorkerPool'
import type { WorkerSinkStats } from './createWorkerSink'

declare global {
  interface Window {
    marcoWorkers: {
      pool(): Promise<{ sums: number[]; where: string; stats: WorkerPoolStats }>
      rpc(): Promise<{
        sum: number
        detached: number
        filled: number[]
        error?: { isError: boolean; name: string; message: string; stack?: string }
      }>
      blobWorker(): Promise<string>
      analytics(url: string, count: number, queue?: Record<string, unknown>): Promise<{ ids: string[] }>
      analyticsPush(count: number): { ids: string[] }
      sharedState(patch?: Record<string, unknown>): Record<string, unknown>
      analyticsFlush(): Promise<{ stats: WorkerSinkStats; fallbackCreated: boolean }>
    }
  }
}

const STRICT_CSP = "script-src 'self'; worker-src 'self'"
const source = (file: string) => fileURLToPath(new URL(file, import.meta.url))

let chromium: LaunchedChromium
let scripts: { page: string; worker: string; analytics: string }
let collector: TestCollector
let context: BrowserContext

beforeAll(async () => {
  const [launched, page, worker, analytics] = await Promise.all([
    launchChromium(),
    bundleForBrowser(source('./workers.chromium.page.ts')),
    bundleForBrowser(source('./workers.chromium.worker.ts')),
    bundleForBrowser(source('./analyticsWorker.ts')),
  ])
  chromium = launched
  scripts = { page, worker, analytics }
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  const script = (body: string) => (_req: unknown, res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'text/javascript', 'content-security-policy': STRICT_CSP }).end(body)
  collector.routes.set('/', (_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': STRICT_CSP }).end(testPage('/app.js')),
  )
  collector.routes.set('/app.js', script(scripts.page))
  collector.routes.set('/worker.js', script(scripts.worker))
  collector.routes.set('/analytics-worker.js', script(scripts.analytics))
  context = await chromium.browser.newContext()
})
afterEach(async () => {
  await context?.close()
  await collector.close()
})

async function openPage() {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(collector.origin)
  await page.waitForFunction(() => !!window.marcoWorkers)
  return { page, errors }
}

describe('@marco/workers in Chromium under a strict CSP', () => {
  it('runs module workers from a URL where the CSP refuses blob: workers', async () => {
    const { page, errors } = await openPage()
    expect(await page.evaluate(() => window.marcoWorkers.blobWorker())).toMatch(/^blocked/)
    const { sums, where, stats } = await page.evaluate(() => window.marcoWorkers.pool())
    expect(sums).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(where).toBe('worker')
    expect(stats).toMatchObject({ workers: 2, completed: 9, failed: 0, crashed: 0 })
    expect(stats.taskMs.count).toBe(9)
    expect(errors).toEqual([])
  })

  it('calls a module worker through wrap(): transfer detaches the page’s buffer, errors keep name and stack', async () => {
    const { page } = await openPage()
    const result = await page.evaluate(() => window.marcoWorkers.rpc())
    expect(result.sum).toBe(2 * (1 << 16))
    expect(result.detached).toBe(0)
    expect(result.filled).toEqual([3, 3, 3, 3])
    expect(result.error).toMatchObject({ isError: true, name: 'TypeError', message: 'boom' })
    expect(result.error?.stack).toContain('worker.js')
  })

  it('delivers events through the analytics worker’s EventQueue to the collector, without the fallback', async () => {
    const { page } = await openPage()
    const { ids } = await page.evaluate(() => window.marcoWorkers.analytics('/analytics-worker.js', 300))
    const { stats, fallbackCreated } = await page.evaluate(() => window.marcoWorkers.analyticsFlush())
    await vi.waitFor(() => expect([...collector.storedIds].sort()).toEqual([...ids].sort()), {
      timeout: 15_000,
      interval: 100,
    })
    expect(stats).toMatchObject({ mode: 'worker', pushed: 300, batches: 6, acknowledged: 300, fellBack: 0 })
    expect(fallbackCreated).toBe(false)
  })

  it('loses nothing when the analytics worker cannot start: the main-thread queue delivers every event', async () => {
    const { page } = await openPage()
    const { ids } = await page.evaluate(() => window.marcoWorkers.analytics('/missing-worker.js', 120))
    await page.waitForFunction(
      () => (window as unknown as { marcoSink: { stats(): { mode: string } } }).marcoSink.stats().mode === 'fallback',
    )
    const { stats, fallbackCreated } = await page.evaluate(() => window.marcoWorkers.analyticsFlush())
    await vi.waitFor(() => expect([...collector.storedIds].sort()).toEqual([...ids].sort()), {
      timeout: 15_000,
      interval: 100,
    })
    expect(fallbackCreated).toBe(true)
    expect(stats).toMatchObject({ mode: 'fallback', pushed: 120, acknowledged: 0, fellBack: 120 })
  })
})

describe('the analytics worker, shared state and the back/forward cache', () => {
  let cached: LaunchedChromium
  beforeAll(async () => {
    cached = await launchChromium({ backForwardCache: true })
  })
  afterAll(() => cached?.close())

  /** A page of the origin in a context of its own, loaded and marked so that `back()` tells a restore. */
  async function openCachedPage(bfContext: BrowserContext) {
    const page = await bfContext.newPage()
    const { mark, back } = await watchBackForwardCache(page)
    await page.goto(collector.origin)
    await page.waitForFunction(() => !!window.marcoWorkers)
    await mark()
    return { page, back }
  }

  it('keeps the page eligible when the next page of the origin runs the worker too, which sends what it stored', async () => {
    const bfContext = await cached.browser.newContext()
    try {
      const { page, back } = await openCachedPage(bfContext)
      // Stored by the worker's queue, not delivered: the server is unreachable until this page is cached (a
      // cached page runs nothing, its worker included), so what reaches it then comes from the next page.
      collector.reply = () => 'network-error'
      const queue = { storageName: `marco-worker-bfcache-${Date.now()}`, retryBaseMs: 500, retryMaxMs: 1_000 }
      const { ids: before } = await page.evaluate(
        (queue) => window.marcoWorkers.analytics('/analytics-worker.js', 10, queue),
        queue,
      )
      expect((await page.evaluate(() => window.marcoWorkers.analyticsFlush())).stats.mode).toBe('worker')
      // The next page of the origin starts its own worker queue on the same store: the lock it waits on was the
      // cached page's worker's, which the page holding it let go of on `pagehide`.
      await page.goto(`${collector.origin}/?next`)
      collector.reply = () => ({ status: 200 })
      await page.waitForFunction(() => !!window.marcoWorkers)
      await page.evaluate((queue) => window.marcoWorkers.analytics('/analytics-worker.js', 0, queue), queue)
      await vi.waitFor(() => expect(new Set(collector.storedIds)).toEqual(new Set(before)), { timeout: 10_000 })
      expect(await back()).toEqual({ restored: true, notRestored: [] })
      // Back from the cache, its worker's queue owns its events again: new ones arrive. (It sends its copy of the
      // earlier ones too; events keep their ids, so the collector stores each once.)
      const { ids: after } = await page.evaluate(() => window.marcoWorkers.analyticsPush(10))
      expect((await page.evaluate(() => window.marcoWorkers.analyticsFlush())).stats.mode).toBe('worker')
      await vi.waitFor(() => expect(new Set(collector.storedIds)).toEqual(new Set([...before, ...after])), {
        timeout: 10_000,
      })
    } finally {
      await bfContext.close()
    }
  })

  it('keeps a page with shared state eligible while the origin’s tabs join and write; restored, it catches up', async () => {
    const bfContext = await cached.browser.newContext()
    try {
      const { page, back } = await openCachedPage(bfContext)
      await page.evaluate(() => window.marcoWorkers.sharedState({ tool: 'brush' }))
      // Another tab of the origin joins and gets the page's state.
      const tab = await bfContext.newPage()
      await tab.goto(collector.origin)
      await tab.waitForFunction(() => !!window.marcoWorkers)
      await tab.waitForFunction(() => window.marcoWorkers.sharedState().tool === 'brush')
      // The page navigates within the origin: the next page joins (its hello goes on the channel) and writes, and
      // the other tab writes too, while the page is cached.
      await page.goto(`${collector.origin}/?next`)
      await page.waitForFunction(() => !!window.marcoWorkers)
      await page.evaluate(() => window.marcoWorkers.sharedState({ zoom: 2 }))
      await tab.waitForFunction(() => window.marcoWorkers.sharedState().zoom === 2)
      await tab.evaluate(() => window.marcoWorkers.sharedState({ tool: 'eraser' }))
      expect(await back()).toEqual({ restored: true, notRestored: [] })
      // Restored, it rejoined and the other tab told it what it missed.
      await page.waitForFunction(() => window.marcoWorkers.sharedState().tool === 'eraser', undefined, {
        timeout: 10_000,
      })
      expect(await page.evaluate(() => window.marcoWorkers.sharedState())).toEqual({ tool: 'eraser', zoom: 2 })
    } finally {
      await bfContext.close()
    }
  })
})

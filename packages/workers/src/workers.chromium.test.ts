import { fileURLToPath } from 'node:url'
import type { ServerResponse } from 'node:http'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  testPage,
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
      analytics(url: string, count: number): Promise<{ ids: string[] }>
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

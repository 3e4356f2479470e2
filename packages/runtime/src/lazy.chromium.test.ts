import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ConsoleMessage, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { launchChromium, startTestCollector, type LaunchedChromium, type TestCollector } from '@marco/testing'
import type { LazyPageState } from './lazy.chromium.page'

declare global {
  interface Window {
    lazyTest?: LazyPageState
  }
}

const NONCE = 'TWFyY29MYXp5Q2h1bmtOb25jZQ=='
const CSP = `script-src 'nonce-${NONCE}' 'strict-dynamic'; object-src 'none'; base-uri 'none'; connect-src 'self'`
const MESSAGE = 'captured by the lazily loaded crash reporter'

/** The page bundle, split: the entry (served as `/app.js`), the lazily imported chunk, and what they share. */
let files: Map<string, string>
let chunkPath: string
let chromium: LaunchedChromium
let collector: TestCollector
/** Every path the test server was asked for, in arrival order (batches included). */
let served: string[]

beforeAll(async () => {
  const { build } = await import('esbuild')
  const entry = fileURLToPath(new URL('./lazy.chromium.page.ts', import.meta.url))
  const [result, launched] = await Promise.all([
    build({
      entryPoints: [entry],
      entryNames: 'app',
      bundle: true,
      format: 'esm',
      splitting: true,
      platform: 'browser',
      target: 'es2022',
      write: false,
      outdir: '/x',
      logLevel: 'silent',
    }),
    launchChromium(),
  ])
  chromium = launched
  files = new Map(
    result.outputFiles
      .filter((file) => file.path.endsWith('.js'))
      .map((file) => [`/${basename(file.path)}`, file.text]),
  )
  chunkPath = [...files.keys()].find((path) => path.startsWith('/lazy.chromium.chunk-'))!
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  served = []
})
afterEach(() => collector.close())

/** Serves the page under `csp`, and every output file of the bundle. */
function serve(csp: string): void {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>marco lazy</title><link rel="icon" href="data:,"></head><body><script type="module" nonce="${NONCE}" src="/app.js"></script></body></html>`
  const log = (path: string | undefined) => served.push((path ?? '/').split('?')[0]!)
  collector.routes.set(
    '/',
    (req, res) => (
      log(req.url), res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(html)
    ),
  )
  for (const [path, code] of files) {
    collector.routes.set(
      path,
      (req, res) => (log(req.url), res.writeHead(200, { 'content-type': 'text/javascript' }).end(code)),
    )
  }
}

/** Opens the page in a fresh context, collecting CSP messages and page errors; closes the context after `drive`. */
async function visit(
  drive: (tab: Page, seen: { violations: string[]; errors: string[] }) => Promise<void>,
): Promise<void> {
  const context = await chromium.browser.newContext()
  try {
    const tab = await context.newPage()
    const seen = { violations: [] as string[], errors: [] as string[] }
    tab.on(
      'console',
      (message: ConsoleMessage) =>
        /Content Security Policy|Refused/i.test(message.text()) && seen.violations.push(message.text()),
    )
    tab.on('pageerror', (error) => seen.errors.push(error.message))
    await drive(tab, seen)
  } finally {
    await context.close()
  }
}

describe('lazy() in Chromium', () => {
  it('splits the bundle: the crash reporter lives only in the chunk the page imports lazily', () => {
    expect(files.has('/app.js')).toBe(true)
    expect(chunkPath).toMatch(/^\/lazy\.chromium\.chunk-[\w-]+\.js$/)
    // esbuild marks each bundled source file with a `// path` comment.
    const reporterSource = /^\/\/ packages\/crash-reporter\/src\//m
    expect(files.get(chunkPath)).toMatch(reporterSource)
    expect(files.get(chunkPath)).toMatch(/\bCrashReporter = class\b/)
    for (const [path, code] of files) if (path !== chunkPath) expect(code, path).not.toMatch(reporterSource)
    // The entry reaches the chunk through import(), not a static import.
    expect(files.get('/app.js')).toContain(`import("./${chunkPath.slice(1)}")`)
  })

  it('loads the feature from its own chunk after load, under a strict nonce CSP, and it reports on the shared pipeline', async () => {
    serve(CSP)
    await visit(async (tab, seen) => {
      await tab.goto(collector.origin)
      await tab.waitForFunction(
        () => window.lazyTest?.sent === true || window.lazyTest?.failure !== undefined,
        undefined,
        { timeout: 20_000 },
      )
      const state = (await tab.evaluate(() => window.lazyTest))!
      expect(state.failure).toBeUndefined()
      expect(state).toMatchObject({
        readyStateAtStart: 'interactive',
        loaderCalledAfterLoad: true,
        loadedFeature: 'crash-reporter',
        sent: true,
      })

      // The chunk was a request of its own, once, after the entry; and the browser started fetching it only
      // once the load event had begun.
      expect(served.filter((path) => path === chunkPath)).toHaveLength(1)
      expect(served.indexOf(chunkPath)).toBeGreaterThan(served.indexOf('/app.js'))
      const timing = await tab.evaluate((path) => {
        const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
        const chunk = performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).pathname === path)
        return { loadEventStart: navigation.loadEventStart, chunkStarts: chunk.map((entry) => entry.startTime) }
      }, chunkPath)
      expect(timing.loadEventStart).toBeGreaterThan(0)
      expect(timing.chunkStarts).toHaveLength(1)
      expect(timing.chunkStarts[0]).toBeGreaterThanOrEqual(timing.loadEventStart)

      // What reached the collector: the exception, through the client's one pipeline.
      await vi.waitFor(() => expect(collector.storedIds.length).toBeGreaterThan(0), { timeout: 15_000 })
      const events = collector.requests.flatMap(
        (request) => (request.body as { events: { type: string; category: string; payload: any }[] }).events,
      )
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        type: 'exception',
        category: 'crash',
        payload: { handled: true, exceptions: [{ type: 'Error', message: MESSAGE }] },
      })

      expect(seen.violations).toEqual([])
      expect(seen.errors).toEqual([])
    })
  })

  it('sees the CSP refuse a script without the nonce (the violation check can fail)', async () => {
    serve(CSP.replace(NONCE, 'V3JvbmdOb25jZUZvck1hcmNv'))
    await visit(async (tab, seen) => {
      await tab.goto(collector.origin)
      await vi.waitFor(() => expect(seen.violations.length).toBeGreaterThan(0), { timeout: 15_000 })
      expect(served).not.toContain('/app.js')
      expect(served).not.toContain(chunkPath)
      expect(await tab.evaluate(() => window.lazyTest)).toBeUndefined()
    })
  })
})

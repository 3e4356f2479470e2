import { createServer } from 'node:http'
import { fileURLToPath } from 'node:url'

/** Debian's Chromium; the flags keep it from reaching for a network it does not have. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
/** The repository root: bundles resolve `@marco/*` from here, as an app would (to the built `dist`). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** The server closes itself after this long even if the caller never does (a crashed benchmark). */
const SERVER_LIFETIME_MS = 5 * 60_000

/**
 * Bundles `entry` for the browser, serves it in a blank page from 127.0.0.1, launches Chromium, hands
 * `run` a way to open fresh pages, and closes browser and server when `run` settles.
 *
 * @example
 * const result = await withChromium({ entry: 'bench/queue.page.mjs' }, async ({ openPage }) => {
 *   const { page } = await openPage()
 *   return page.evaluate(() => globalThis.bench.run())
 * })
 */
export async function withChromium({ entry }, run) {
  const script = await bundleForBrowser(entry)
  const server = await serve(script)
  const { chromium } = await import('playwright-core')
  let browser
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
    const contexts = []
    /** A page in a fresh browser context (its own renderer, heap and storage) with the bundle loaded. */
    const openPage = async () => {
      const context = await browser.newContext()
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning')
          console.error(`[page ${message.type()}] ${message.text()}`)
      })
      await page.goto(server.origin)
      await page.waitForFunction(() => globalThis.benchReady === true)
      const cdp = await context.newCDPSession(page)
      return { page, cdp, close: () => context.close() }
    }
    return await run({ browser, version: browser.version(), origin: server.origin, openPage })
  } finally {
    await browser?.close().catch(() => {})
    await server.close()
  }
}

/**
 * One ESM bundle of `entry` for the browser. `tsconfigRaw: '{}'` keeps esbuild from reading the workspace
 * tsconfig, whose `paths` point `@marco/*` at the TypeScript sources: the benchmark measures the built package.
 * `plugins`: extra esbuild plugins (e.g. a stand-in for an optional dependency).
 */
export async function bundleForBrowser(entry, { plugins = [] } = {}) {
  const { build } = await import('esbuild')
  let result
  try {
    result = await build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      tsconfigRaw: '{}',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins,
    })
  } catch (error) {
    throw new Error(`bundling ${entry} failed (is the workspace built? run \`pnpm run build\`): ${error.message}`)
  }
  const inputs = Object.keys(result.metafile.inputs)
  if (inputs.some((input) => /packages\/[^/]+\/src\//.test(input))) {
    throw new Error(`bundling ${entry} picked up workspace sources instead of the built packages: ${inputs.join(', ')}`)
  }
  return result.outputFiles[0].text
}

/** The HTML page: one module script, no favicon request. */
export function benchPage(scriptPath) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>marco bench</title><link rel="icon" href="data:,"></head><body><script type="module" src="${scriptPath}"></script></body></html>`
}

/** Cross-origin isolation (COOP + COEP): `performance.now()` is coarsened to 5 µs instead of 100 µs. */
export const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }

/**
 * Serves the page and the script on 127.0.0.1 (a free port), cross-origin isolated
 * (https://developer.chrome.com/blog/cross-origin-isolation-guide, w3c/hr-time#79). `route(req, res, path)`
 * may answer other paths (returning true when it did). The server closes itself after a while if nobody does.
 */
export async function serve(script, route = () => false) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (path === '/')
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...ISOLATION }).end(benchPage('/bench.js'))
    else if (path === '/bench.js')
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', ...ISOLATION }).end(script)
    else if (!route(req, res, path)) res.writeHead(404).end()
  })
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  // Never what keeps Node running, and gone by itself if nobody closes it.
  server.unref()
  const lifetime = setTimeout(() => close(), SERVER_LIFETIME_MS)
  lifetime.unref()
  let closing
  const close = () =>
    (closing ??= new Promise((resolve) => {
      clearTimeout(lifetime)
      server.close(() => resolve())
      server.closeAllConnections()
    }))
  return { origin: `http://127.0.0.1:${server.address().port}`, close }
}

import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startFileServer,
  testPage,
  type FileServer,
  type LaunchedChromium,
} from '@marco/testing'
import { ADD_WAT, sri, wat } from './fixtures'
import type { WasmFeatures } from './detectWasmFeatures'
import type { WasmLoaderStats, WasmLoadProfile } from './types'

type LoadResult = { sum?: number; profile?: WasmLoadProfile; error?: { name: string; message: string; phase?: string } }

declare global {
  interface Window {
    marcoWasm: {
      load(url: string, integrity?: string): Promise<LoadResult>
      memory(): { shared: boolean; length: number; kept: number; oldLength: number }
      supports(): WasmFeatures
      stats(): WasmLoaderStats
      evalBlocked: boolean
    }
  }
}

let chromium: LaunchedChromium
let script: string
let add: Uint8Array
let server: FileServer

beforeAll(async () => {
  ;[chromium, script, add] = await Promise.all([
    launchChromium(),
    bundleForBrowser(fileURLToPath(new URL('./WasmLoader.chromium.page.ts', import.meta.url))),
    wat(ADD_WAT),
  ])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  server = await startFileServer()
  const page = (headers: Record<string, string>) => (_req: unknown, res: import('node:http').ServerResponse) =>
    res.writeHead(200, { 'content-type': 'text/html', ...headers }).end(testPage('/app.js'))
  server.routes.set('/', page({}))
  server.routes.set('/csp', page({ 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'" }))
  server.routes.set('/csp-strict', page({ 'content-security-policy': "script-src 'self'" }))
  server.routes.set(
    '/isolated',
    page({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }),
  )
  server.file('/app.js', script, 'text/javascript')
  server.file('/add.wasm', add)
})
afterEach(() => server.close())

async function openPage(context: import('playwright-core').BrowserContext, path = '/') {
  const page = await context.newPage()
  await page.goto(`${server.origin}${path}`)
  await page.waitForFunction(() => !!window.marcoWasm)
  return page
}

describe('WasmLoader in Chromium', () => {
  it('loads a module once from the network; the second load and the next page read the Cache API', async () => {
    const context = await chromium.browser.newContext()
    try {
      const integrity = sri(add)
      const page = await openPage(context)
      const first = await page.evaluate((integrity) => window.marcoWasm.load('/add.wasm', integrity), integrity)
      expect(first).toMatchObject({ sum: 42, profile: { ok: true, cacheHit: false, bytes: add.byteLength } })
      const second = await page.evaluate((integrity) => window.marcoWasm.load('/add.wasm', integrity), integrity)
      expect(second).toMatchObject({ sum: 42, profile: { ok: true, cacheHit: true } })
      expect(server.hits.get('/add.wasm')).toBe(1)

      // A repeat visit: a new page of the same profile.
      await page.close()
      const next = await openPage(context)
      const third = await next.evaluate((integrity) => window.marcoWasm.load('/add.wasm', integrity), integrity)
      expect(third).toMatchObject({ sum: 42, profile: { cacheHit: true } })
      expect(server.hits.get('/add.wasm')).toBe(1)
      expect(await next.evaluate(() => caches.keys())).toContain('marco-wasm')
    } finally {
      await context.close()
    }
  })

  it("compiles under script-src 'self' 'wasm-unsafe-eval', where eval is blocked", async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await openPage(context, '/csp')
      expect(await page.evaluate(() => window.marcoWasm.evalBlocked)).toBe(true)
      // Both paths: streaming (no integrity) and compile from verified bytes.
      expect(await page.evaluate(() => window.marcoWasm.load('/add.wasm'))).toMatchObject({
        sum: 42,
        profile: { streaming: true },
      })
      expect(await page.evaluate((integrity) => window.marcoWasm.load('/add.wasm', integrity), sri(add))).toMatchObject(
        { sum: 42 },
      )
    } finally {
      await context.close()
    }
  })

  it("is refused by a CSP without 'wasm-unsafe-eval', with a typed compile error", async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await openPage(context, '/csp-strict')
      const result = await page.evaluate(() => window.marcoWasm.load('/add.wasm'))
      expect(result.error).toMatchObject({ name: 'WasmCompileError', phase: 'compile' })
    } finally {
      await context.close()
    }
  })

  it('detects every feature of a current Chromium, threads only when cross-origin isolated', async () => {
    const context = await chromium.browser.newContext()
    try {
      const plain = await openPage(context)
      expect(await plain.evaluate(() => window.marcoWasm.supports())).toEqual({
        simd: true,
        threads: false,
        bulkMemory: true,
        exceptions: true,
        referenceTypes: true,
        multiValue: true,
        tailCall: true,
        memory64: true,
        gc: true,
      })
      expect(await plain.evaluate(() => window.marcoWasm.memory())).toEqual({
        shared: false,
        length: 4 * 65_536,
        kept: 7,
        oldLength: 0,
      })
      const isolated = await openPage(context, '/isolated')
      expect((await isolated.evaluate(() => window.marcoWasm.supports())).threads).toBe(true)
      // Shared memory grows in place: the old view keeps its length, the pool hands out a longer one.
      expect(await isolated.evaluate(() => window.marcoWasm.memory())).toEqual({
        shared: true,
        length: 4 * 65_536,
        kept: 7,
        oldLength: 65_536,
      })
    } finally {
      await context.close()
    }
  })
})

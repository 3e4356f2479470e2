import { fileURLToPath } from 'node:url'
import type { ServerResponse } from 'node:http'
import wabt from 'wabt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import { createNonce } from './createNonce'
import { CSP_NONCE_PLACEHOLDER } from './nonceConstants'
import { securityHeaders } from './securityHeaders'

let chromium: LaunchedChromium
let script: string
let wasm: Uint8Array
let server: TestCollector

const WAT = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'
const WORKER = 'self.onmessage = () => self.postMessage({ pong: true, isolated: self.crossOriginIsolated })'

// The head goes out first; the body (with the injected script) only once the page's module says it is
// listening, so the violation is heard live.
const HEAD = `<!doctype html><html><head><meta charset="utf-8"><title>csp</title><link rel="icon" href="data:,">
<script type="module" async nonce="${CSP_NONCE_PLACEHOLDER}" src="/app.js"></script></head><body><p>Marco</p>`
const INJECTED = `<script>window.injectedInline = true</script><img src="/missing.png" onerror="window.injectedHandler = true"></body></html>`

beforeAll(async () => {
  ;[chromium, script] = await Promise.all([
    launchChromium(),
    bundleForBrowser(fileURLToPath(new URL('./security.chromium.page.ts', import.meta.url))),
  ])
  wasm = new Uint8Array((await wabt()).parseWat('add.wat', WAT).toBinary({}).buffer)
  server = await startTestCollector()
  let pending: ServerResponse | undefined
  // Every response carries the generated headers, each with its own nonce.
  const headers = (type: string): Record<string, string> => ({
    ...securityHeaders({
      nonce: createNonce(),
      reportUri: `${server.origin}/csp-report`,
      upgradeInsecureRequests: false,
    }),
    'content-type': type,
  })
  server.routes.set('/', (_req, res) => {
    const sent = headers('text/html; charset=utf-8')
    const nonce = /'nonce-([^']+)'/.exec(sent['Content-Security-Policy']!)![1]!
    res.writeHead(200, sent)
    res.write(HEAD.replaceAll(CSP_NONCE_PLACEHOLDER, nonce))
    pending = res
  })
  server.routes.set('/ready', (_req, res) => {
    pending?.end(INJECTED)
    res.writeHead(204, headers('text/plain')).end()
  })
  server.routes.set('/app.js', (_req, res) => res.writeHead(200, headers('text/javascript')).end(script))
  server.routes.set('/worker.js', (_req, res) => res.writeHead(200, headers('text/javascript')).end(WORKER))
  server.routes.set('/add.wasm', (_req, res) => res.writeHead(200, headers('application/wasm')).end(wasm))
  server.routes.set('/missing.png', (_req, res) => res.writeHead(404, headers('text/plain')).end())
  server.routes.set('/csp-report', (_req, res) => res.writeHead(204).end())
})
afterAll(async () => {
  await chromium?.close()
  await server?.close()
})

describe('the generated headers in Chromium', () => {
  it('run the nonce module, a module worker from self and wasm, and block and report an injected inline script', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      const response = await page.goto(server.origin, { waitUntil: 'commit' })
      expect(response!.headers()['content-security-policy']).toContain("'strict-dynamic'")
      expect(response!.headers()['cross-origin-embedder-policy']).toBe('require-corp')

      await page.waitForFunction(() => window.marcoSecurity?.result ?? window.marcoSecurity?.error, undefined, {
        timeout: 20_000,
      })
      expect(await page.evaluate(() => window.marcoSecurity.error)).toBeUndefined()
      expect(await page.evaluate(() => window.marcoSecurity.result)).toEqual({
        fromWorker: { pong: true, isolated: true },
        sum: 42,
        evalBlocked: true,
        blobWorkerRefused: true,
        crossOriginIsolated: true,
      })

      await page.waitForFunction(
        () => window.marcoSecurity.violations.some((v) => v.directive === 'script-src-attr'),
        undefined,
        { timeout: 20_000 },
      )
      const violations = await page.evaluate(() => window.marcoSecurity.violations)
      expect(violations).toContainEqual(
        expect.objectContaining({ directive: 'script-src-elem', blockedUri: 'inline', disposition: 'enforce' }),
      )
      expect(violations).toContainEqual(expect.objectContaining({ directive: 'script-src-attr', blockedUri: 'inline' }))
      // Neither injected script ran.
      expect(await page.evaluate(() => [window.injectedInline, window.injectedHandler])).toEqual([undefined, undefined])
      // The app's own module, worker and wasm never caused a violation.
      expect(violations.filter((v) => /app\.js|worker\.js|wasm/.test(v.blockedUri))).toEqual([])
    } finally {
      await context.close()
    }
  })
})

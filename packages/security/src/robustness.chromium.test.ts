// Under the package's own CSP in Chromium: rendering rich text twice, and making the marco policy twice, work (each
// threw from the second time: a second Trusted Types policy of one name is refused). Each test fails without its fix.
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import { createNonce } from './createNonce'
import { securityHeaders } from './securityHeaders'

let chromium: LaunchedChromium
let script: string
let server: TestCollector

beforeAll(async () => {
  script = await bundleForBrowser(fileURLToPath(new URL('./robustness.chromium.page.ts', import.meta.url)))
  chromium = await launchChromium()
  server = await startTestCollector()
  const headers = (type: string, nonce = createNonce()): Record<string, string> => ({
    ...securityHeaders({ nonce, upgradeInsecureRequests: false }),
    'content-type': type,
  })
  server.routes.set('/', (_req, res) => {
    const nonce = createNonce()
    res
      .writeHead(200, headers('text/html; charset=utf-8', nonce))
      .end(`<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="module" nonce="${nonce}" src="/app.js"></script></head><body></body></html>`)
  })
  server.routes.set('/app.js', (_req, res) => res.writeHead(200, headers('text/javascript')).end(script))
})
afterAll(async () => {
  await chromium?.close()
  await server?.close()
})

async function pageResult(): Promise<Record<string, string>> {
  const context = await chromium.browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(server.origin)
    await page.waitForFunction(() => (window as { robustnessResult?: unknown }).robustnessResult, undefined, {
      timeout: 20_000,
    })
    return await page.evaluate(
      () => (window as unknown as { robustnessResult: Record<string, string> }).robustnessResult,
    )
  } finally {
    await context.close()
  }
}

describe('client rendering under the generated CSP in Chromium', () => {
  it('renderSanitizedHtml renders a second piece of rich text under the default CSP', async () => {
    const result = await pageResult()
    expect(result.first).toBe('<b>one</b>')
    expect(result.second).toBe('<b>two</b>')
  }, 60_000)

  it('createTrustedTypesPolicy can be called twice under the default CSP', async () => {
    const result = await pageResult()
    expect(result.policyTwice).toBe('ok')
  }, 60_000)
})

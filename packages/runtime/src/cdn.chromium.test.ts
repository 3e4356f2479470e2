import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { launchChromium, startTestCollector, type LaunchedChromium, type TestCollector } from '@marco/testing'

const dist = new URL('../dist/', import.meta.url)
let chromium: LaunchedChromium
let collector: TestCollector

beforeAll(async () => {
  ;[chromium, collector] = await Promise.all([launchChromium(), startTestCollector()])
})
afterAll(async () => {
  await chromium?.close()
  await collector?.close()
})

describe('the CDN bundle in Chromium', () => {
  it('works from a <script nonce integrity> tag under a strict nonce-based CSP', async () => {
    const code = readFileSync(new URL('marco.min.js', dist))
    const sri = readFileSync(new URL('marco.min.js.sri', dist), 'utf8').trim()
    const nonce = 'Q2RuVGVzdE5vbmNlMTIz'
    const csp = `script-src 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; connect-src 'self'`
    const page = `<!doctype html><link rel="icon" href="data:,"><script src="/marco.min.js" nonce="${nonce}" integrity="${sri}" crossorigin="anonymous"></script>
<script nonce="${nonce}">
  const client = Marco.createMarcoClient({ endpoint: '/v1/batch', consent: { defaults: { crash: 'granted' } },
    features: [new Marco.CrashReporter({ breadcrumbs: false })], queue: { storage: false } }).start()
  client.get(Marco.CrashReporter).captureException(new Error('from the CDN bundle'))
  client.flush().then(() => { document.title = 'sent' })
</script>`
    collector.routes.set('/', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(page),
    )
    collector.routes.set('/marco.min.js', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(code),
    )
    const context = await chromium.browser.newContext()
    try {
      const tab = await context.newPage()
      const violations: string[] = []
      tab.on(
        'console',
        (message) => /Content Security Policy|Refused/i.test(message.text()) && violations.push(message.text()),
      )
      const errors: string[] = []
      tab.on('pageerror', (error) => errors.push(error.message))
      await tab.goto(collector.origin)
      await vi.waitFor(() => expect(collector.storedIds).toHaveLength(1), { timeout: 15_000 })
      const [batch] = collector.requests.map((request) => request.body as { events: { type: string; payload: any }[] })
      expect(batch!.events[0]).toMatchObject({
        type: 'exception',
        payload: { exceptions: [{ message: 'from the CDN bundle' }] },
      })
      expect(violations).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

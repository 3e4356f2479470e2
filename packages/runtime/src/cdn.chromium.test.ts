import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { fileURLToPath } from 'node:url'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'

const dist = new URL('../dist/', import.meta.url)
let chromium: LaunchedChromium
let collector: TestCollector
let analyticsWorker: string

beforeAll(async () => {
  ;[chromium, collector, analyticsWorker] = await Promise.all([
    launchChromium(),
    startTestCollector(),
    // The worker script a page serves from its own origin (an app's build bundles `@marco/workers/analytics-worker`).
    bundleForBrowser(fileURLToPath(new URL('../../workers/src/analyticsWorker.ts', import.meta.url))),
  ])
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

  it('sends through the analytics worker with the workers bundle loaded next to it (MarcoWorkers.createWorkerSink)', async () => {
    const file = (name: string) => readFileSync(new URL(name, dist))
    const workersDist = new URL('../../workers/dist/', import.meta.url)
    const workers = readFileSync(new URL('marco-workers.min.js', workersDist))
    const workersSri = readFileSync(new URL('marco-workers.min.js.sri', workersDist), 'utf8').trim()
    const nonce = 'V29ya2Vyc05vbmNlNDU2'
    const csp = `script-src 'nonce-${nonce}' 'strict-dynamic'; worker-src 'self'; object-src 'none'; base-uri 'none'; connect-src 'self'`
    const tag = (src: string, sri: string) =>
      `<script src="${src}" nonce="${nonce}" integrity="${sri}" crossorigin="anonymous"></script>`
    const page = `<!doctype html><link rel="icon" href="data:,">${tag('/marco.min.js', file('marco.min.js.sri').toString().trim())}${tag('/marco-workers.min.js', workersSri)}
<script nonce="${nonce}">
  const queue = { endpoint: '/v1/batch', storage: false }
  const sink = MarcoWorkers.createWorkerSink({ url: '/analytics-worker.js', queue, fallback: () => new Marco.EventQueue(queue) })
  const analytics = new Marco.AnalyticsEngine({ autoPageViews: false })
  const client = Marco.createMarcoClient({ endpoint: '/v1/batch', sink, consent: { defaults: { analytics: 'granted' } },
    features: [analytics] }).start()
  analytics.track('from_the_worker', { n: 1 })
  client.flush().then(() => { document.title = sink.stats().mode })
</script>`
    const script = (body: Buffer | string) => (_req: unknown, res: import('node:http').ServerResponse) =>
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(body)
    collector.routes.set('/', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': csp }).end(page),
    )
    collector.routes.set('/marco.min.js', script(file('marco.min.js')))
    collector.routes.set('/marco-workers.min.js', script(workers))
    collector.routes.set('/analytics-worker.js', script(analyticsWorker))
    const context = await chromium.browser.newContext()
    try {
      const tab = await context.newPage()
      const errors: string[] = []
      tab.on('pageerror', (error) => errors.push(error.message))
      tab.on(
        'console',
        (message) => /Content Security Policy|Refused/i.test(message.text()) && errors.push(message.text()),
      )
      await tab.goto(collector.origin)
      const tracked = () =>
        collector.requests
          .flatMap((request) => (request.body as { events: { type: string; payload: any }[] }).events)
          .filter((event) => event.type === 'track')
      await vi.waitFor(() => expect(tracked()).toHaveLength(1), { timeout: 15_000 })
      expect(tracked()[0]!.payload).toMatchObject({ name: 'from_the_worker', properties: { n: 1 } })
      // Sent by the worker, not by the fallback queue on the page.
      await vi.waitFor(async () => expect(await tab.title()).toBe('worker'), { timeout: 15_000 })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})

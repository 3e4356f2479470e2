// Back/forward-cache eligibility of a page running the SDK (its queue alone on the main thread, the whole runtime
// client, the analytics worker's sink, or the security client's session; bench/bfcache.page.mjs), in Chromium:
// the page sends an event, navigates to another page of the origin — one without the SDK, or one running it too
// (which waits on the origin's queues' Web Locks and posts on their channel, each of which makes Chromium evict a
// cached page) — and goes back. Counts the restores and Chromium's reasons for the others. Each navigation in a
// fresh browser context. Numbers only, no assertions.
//   pnpm run build && pnpm run bench bfcache        (options: --runs=N, default 6; --setups=queue,session)
import { ISOLATION, CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, bundleForBrowser, serve } from './lib/chromium.mjs'
import { printTable } from './lib/table.mjs'

const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]
const RUNS = Number(option('runs') ?? 6)
const SETUPS = {
  queue: 'EventQueue on the main thread',
  client: 'createMarcoClient, every page feature',
  worker: 'createWorkerSink → analytics worker',
  'client-worker': 'createMarcoClient, every page feature, sink: the worker',
  session: 'SessionManager (a token at start)',
}
const only = option('setups')?.split(',')
for (const setup of Object.keys(SETUPS)) if (only && !only.includes(setup)) delete SETUPS[setup]
const NEXT = { plain: 'a page without the SDK', sdk: 'a page running the SDK too' }

const [script, worker] = await Promise.all([
  bundleForBrowser(`${ROOT}bench/bfcache.page.mjs`),
  bundleForBrowser(`${ROOT}packages/workers/dist/analytics-worker.mjs`),
])
const html = (body) => `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${body}`
const server = await serve(script, (req, res, path) => {
  if (path === '/analytics-worker.js')
    res.writeHead(200, { 'content-type': 'text/javascript', ...ISOLATION }).end(worker)
  else if (path === '/plain') res.writeHead(200, { 'content-type': 'text/html', ...ISOLATION }).end(html('<p>plain'))
  else if (path === '/sdk')
    res
      .writeHead(200, { 'content-type': 'text/html', ...ISOLATION })
      .end(html('<script type="module" src="/bench.js"></script>'))
  else if (path === '/v1/batch') req.resume().on('end', () => res.writeHead(200).end('{}'))
  else return false
  return true
})
const { chromium } = await import('playwright-core')
// The test launcher turns the cache off; this bench is about it.
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
  ignoreDefaultArgs: ['--disable-back-forward-cache'],
})
const rows = []
try {
  for (const [setup, setupName] of Object.entries(SETUPS)) {
    for (const [next, nextName] of Object.entries(NEXT)) {
      let restored = 0
      let delivered = 0
      const reasons = new Map()
      const modes = new Set()
      for (let run = 0; run < RUNS; run++) {
        const context = await browser.newContext()
        try {
          const page = await context.newPage()
          const cdp = await context.newCDPSession(page)
          await cdp.send('Page.enable')
          const notRestored = []
          cdp.on('Page.backForwardCacheNotUsed', (event) =>
            notRestored.push(...event.notRestoredExplanations.map((explanation) => explanation.reason)),
          )
          await page.goto(`${server.origin}/?setup=${setup}`)
          await page.waitForFunction(() => globalThis.benchReady)
          const first = await page.evaluate(() => globalThis.sendOne())
          modes.add(first.mode)
          delivered += first.sent
          await page.evaluate(() => (globalThis.marker = true))
          await page.goto(`${server.origin}/${next}?setup=${setup}`)
          if (next === 'sdk') {
            await page.waitForFunction(() => globalThis.benchReady)
            await page.evaluate(() => globalThis.sendOne())
          }
          await page.goBack({ waitUntil: 'commit' })
          // Restored, the page is complete at once; reloaded, once its load is over.
          await page.waitForFunction(() => document.readyState === 'complete')
          if (await page.evaluate(() => globalThis.marker === true).catch(() => false)) restored++
          for (const reason of notRestored) reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
        } finally {
          await context.close()
        }
      }
      rows.push([
        setup.includes('worker') ? `${setupName} (sink mode: ${[...modes].join(', ')})` : setupName,
        nextName,
        delivered,
        `${restored} of ${RUNS}`,
        [...reasons].map(([reason, count]) => `${reason} ×${count}`).join(', ') || '—',
      ])
    }
  }
} finally {
  await browser.close()
  await server.close()
}
printTable({
  title: `Back/forward cache: the page restored on going back (${RUNS} navigations per row, headless Chromium)`,
  columns: ['the page runs', 'it navigates to', 'events it sent first', 'restored', "Chromium's reasons when not"],
  rows,
  notes: [
    'events it sent first: delivered before it navigated, over all runs (the client also sends its session start and',
    'page view; the session row counts the tokens it got).',
    'A cached page lets its queue’s Web Lock and channel go on `pagehide` (persisted); the page holds its worker',
    'queue’s lock and lets it go the same way (a worker is frozen with its page before it could; workers README).',
    'A cached session leaves its channel too; back, it confirms its session with one refresh (security README).',
  ],
})

// Side-by-side frame benchmark of the delivery pipeline: a 2,000-rect canvas drawn every frame with the frame
// rate uncapped, and analytics track() calls at a steady rate inside the frame loop — Marco with persistence on
// (the default) and off, and Datadog browser-logs (logger.info per event), all sending to the same local server.
// Reports main-thread share (1 − baseline frame time / frame time, medians of runs), heap growth for 10,000
// calls, wire bytes per event, and exactly-once delivery. Numbers only, no assertions. `--quick`: fewer, shorter runs.
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { gunzipSync } from 'node:zlib'
import { bundleForBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, serve } from './lib/chromium.mjs'
import { usedHeap } from './lib/heap.mjs'
import { median } from './lib/stats.mjs'
import { formatNumber, printTable } from './lib/table.mjs'

const quick = process.argv.includes('--quick')
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
const RUNS = Number(option('runs') ?? (quick ? 3 : 5))
const SECONDS = Number(option('seconds') ?? (quick ? 2 : 4))
const WARM_UP_SECONDS = 1
const SHAPES = 2_000
const RATES = option('rates')?.split(',').map(Number) ?? [60, 1_000]
const HEAP_CALLS = 10_000
const SDKS = [
  { key: 'marco', label: 'Marco, IndexedDB on (default)' },
  { key: 'marco-memory', label: 'Marco, queue: { storage: false }' },
  { key: 'datadog', label: `Datadog browser-logs ${JSON.parse(readFileSync(`${ROOT}node_modules/@datadog/browser-logs/package.json`, 'utf8')).version} logger.info()` },
].filter(({ key }) => !option('sdks') || option('sdks').split(',').includes(key))
/** Uncapped frames: no vsync, no frame rate limit (the baseline's frame time is the canvas's own cost). */
const ARGS = [...CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit']

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const started = performance.now()

/** What reached the server, per SDK: requests, bytes on the wire, bytes inflated, events and their ids. */
const received = new Map()
const tally = (key) => received.get(key) ?? received.set(key, { requests: 0, wireBytes: 0, jsonBytes: 0, events: 0, ids: [] }).get(key)
let current = 'none'

function route(req, res, path) {
  if (req.method !== 'POST' || (path !== '/v1/batch' && path !== '/dd')) return false
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const wire = Buffer.concat(chunks)
    const gzip = new URL(req.url, 'http://x').searchParams.get('encoding') === 'gzip'
    const text = (gzip ? gunzipSync(wire) : wire).toString('utf8')
    const t = tally(current)
    t.requests++
    t.wireBytes += wire.length
    t.jsonBytes += Buffer.byteLength(text)
    if (path === '/v1/batch') {
      for (const event of JSON.parse(text).events) {
        t.events++
        if (event.type === 'track') t.ids.push(`${event.payload.properties?.seq ?? event.payload.seq}`)
      }
    } else {
      // Datadog's intake takes newline-delimited JSON.
      for (const line of text.split('\n')) if (line.trim()) (t.events++, t.ids.push(String(JSON.parse(line).seq)))
    }
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end('{}')
  })
  return true
}

const script = await bundleForBrowser('bench/frame.page.mjs')
const server = await serve(script, route)
const { chromium } = await import('playwright-core')
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })
const frameMs = new Map()
const heap = new Map()

async function openPage(sdk) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
  await page.goto(server.origin)
  await page.waitForFunction(() => globalThis.benchReady === true)
  await page.evaluate((options) => globalThis.bench.prepare(options), { sdk })
  return { page, cdp: await context.newCDPSession(page), close: () => context.close() }
}

try {
  for (const rate of RATES) {
    for (let run = 0; run < RUNS; run++) {
      // The order rotates each run, so drift in the machine falls on every row alike.
      const order = ['none', ...SDKS.map((sdk) => sdk.key)]
      for (let i = 0; i < run % order.length; i++) order.push(order.shift())
      for (const sdk of order) {
        progress(`${rate}/s, run ${run + 1} of ${RUNS}: ${sdk}`)
        current = `frames:${sdk}`
        const { page, close } = await openPage(sdk)
        try {
          const result = await page.evaluate((options) => globalThis.bench.frames(options), { sdk, rate, seconds: SECONDS, warmUpSeconds: WARM_UP_SECONDS, shapes: SHAPES })
          const key = `${sdk}@${rate}`
          frameMs.set(key, [...(frameMs.get(key) ?? []), result.meanFrameMs])
        } finally {
          await close()
        }
      }
    }
  }
  for (const { key } of process.argv.includes('--no-heap') ? [] : SDKS) {
    progress(`heap and delivery: ${key}`)
    current = key
    const { page, cdp, close } = await openPage(key)
    try {
      const before = await usedHeap(cdp)
      await page.evaluate((options) => globalThis.bench.calls(options), { count: HEAP_CALLS })
      const after = await usedHeap(cdp)
      heap.set(key, after - before)
      await page.evaluate(() => globalThis.bench.flush())
      // Datadog flushes on its own timer and on page hide: give it that, then hide the page.
      await page.waitForTimeout(1_500)
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
      await page.close({ runBeforeUnload: true })
      await new Promise((resolve) => setTimeout(resolve, 1_500))
    } finally {
      await close()
    }
  }
} finally {
  await browser.close().catch(() => {})
  await server.close()
}

const baseline = (rate) => median(frameMs.get(`none@${rate}`))
const share = (sdk, rate) => (1 - baseline(rate) / median(frameMs.get(`${sdk}@${rate}`))) * 100
const datadogShare = (rate) => (frameMs.has(`datadog@${rate}`) ? share('datadog', rate) : NaN)
console.log(`\nFrame benchmark — Chromium ${browser.version()} headless, uncapped frames, ${SHAPES.toLocaleString('en-US')}-rect canvas, ${availableParallelism()} CPUs, ${RUNS} runs of ${SECONDS} s per row\n`)
printTable({
  title: 'a. Main-thread share of real frames (1 − baseline frame time / frame time; medians of runs)',
  columns: ['SDK', ...RATES.map((rate) => `${rate.toLocaleString('en-US')}/s share %`), ...RATES.map((rate) => `${rate.toLocaleString('en-US')}/s frame ms`)],
  rows: [
    ['no SDK (baseline)', undefined, undefined, ...RATES.map(baseline)],
    ...SDKS.map(({ key, label }) => [label, ...RATES.map((rate) => share(key, rate)), ...RATES.map((rate) => median(frameMs.get(`${key}@${rate}`)))]),
  ],
  notes: [
    `Targets (persistence on): at 60/s ≤ Datadog's share + 1 point (here ≤ ${formatNumber(datadogShare(60) + 1)} %); at 1,000/s ≤ 15 %.`,
    'Every SDK set up as a new user would, consent granted, each row in a fresh browser context; deferred work (timers, IndexedDB, serializing, sending) falls in the frames it delays.',
  ],
})
printTable({
  title: `b. ${HEAP_CALLS.toLocaleString('en-US')} calls: heap, wire and delivery`,
  columns: ['SDK', 'heap growth MB', 'requests', 'wire B/event', 'JSON B/event', 'delivered', 'distinct', 'duplicates'],
  rows: SDKS.map(({ key, label }) => {
    const t = tally(key)
    const distinct = new Set(t.ids).size
    return [label, heap.get(key) / 1e6, t.requests, t.wireBytes / t.events, t.jsonBytes / t.events, t.ids.length, distinct, t.ids.length - distinct]
  }),
  notes: [
    `Targets: heap growth ≤ 4 MB for ${HEAP_CALLS.toLocaleString('en-US')} calls (measured after forced GC, right after the calls, before delivery); all ${HEAP_CALLS.toLocaleString('en-US')} delivered exactly once.`,
    'wire B/event: bytes of the request bodies as sent (gzip where the SDK compresses) ÷ events received; JSON B/event: the same inflated.',
  ],
})
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

// Benchmark of @marco/workers, the built package as an app imports it, in Chromium: the RPC round trip
// against comlink (and a bare postMessage echo) in the same run, a 1 MiB buffer sent with and without
// transfer, and the main thread's time per 1,000 analytics events with the worker sink vs an EventQueue on
// the main thread. Numbers only, no assertions.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ISOLATION, ROOT, bundleForBrowser, serve } from './lib/chromium.mjs'
import { median, quantile, sum } from './lib/stats.mjs'
import { formatNumber, printTable } from './lib/table.mjs'

/** Without comlink installed, an empty stand-in for it, so the rest of the benchmark still runs. */
const comlinkStub = {
  name: 'comlink-missing',
  setup(build) {
    build.onResolve({ filter: /^comlink$/ }, () => ({ path: 'comlink', namespace: 'comlink-missing' }))
    build.onLoad({ filter: /.*/, namespace: 'comlink-missing' }, () => ({ contents: 'export {}', loader: 'js' }))
  },
}

const ROUND_TRIPS = 5_000
const ROUND_TRIP_WARMUP = 1_000
const BUFFER_BYTES = 1024 * 1024
const BUFFER_CALLS = 100
const BUFFER_WARMUP = 10
const ANALYTICS_EVENTS = 20_000
const ANALYTICS_BLOCK = 1_000
const RUNS = 3
const MIB = 1024 * 1024

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const started = performance.now()
const pkg = JSON.parse(readFileSync(`${ROOT}packages/workers/package.json`, 'utf8'))
const comlinkVersion = readComlinkVersion()

const script = await bundleForBrowser(fileURLToPath(new URL('./workers.page.mjs', import.meta.url)), {
  plugins: comlinkVersion ? [] : [comlinkStub],
})
const server = await serveWithCollector(script)
const { chromium } = await import('playwright-core')
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
let info
const rpcRows = []
const bufferRows = []
const analyticsRows = []
try {
  const variants = [
    { kind: 'raw', label: 'postMessage echo (floor)' },
    { kind: 'marco', label: `@marco/workers wrap/expose ${pkg.version}` },
    ...(comlinkVersion ? [{ kind: 'comlink', label: `comlink ${comlinkVersion} wrap/expose` }] : []),
  ]
  // Interleaved runs, each in a fresh page, so drift in the machine's speed hits every variant alike.
  const samples = new Map(variants.map((variant) => [variant.kind, []]))
  for (let run = 0; run < RUNS; run++) {
    for (const variant of variants) {
      progress(`round trip: ${variant.label} (run ${run + 1}/${RUNS})`)
      await withPage(async (page) => {
        info ??= await page.evaluate(() => globalThis.bench.info())
        const result = await page.evaluate((options) => globalThis.bench.roundTrip(options), {
          kind: variant.kind,
          calls: ROUND_TRIPS,
          warmup: ROUND_TRIP_WARMUP,
        })
        samples.get(variant.kind).push(...result)
      })
    }
  }
  for (const variant of variants) {
    const values = samples.get(variant.kind)
    rpcRows.push([
      variant.label,
      median(values),
      quantile(values, 0.9),
      quantile(values, 0.99),
      sum(values) / values.length,
      values.length,
    ])
  }

  for (const moveIt of [false, true]) {
    progress(`1 MiB buffer, ${moveIt ? 'transferred' : 'copied'}`)
    const all = []
    let detached = false
    for (let run = 0; run < RUNS; run++) {
      await withPage(async (page) => {
        const result = await page.evaluate((options) => globalThis.bench.throughput(options), {
          moveIt,
          count: BUFFER_CALLS,
          bytes: BUFFER_BYTES,
          warmup: BUFFER_WARMUP,
        })
        all.push(...result.samples)
        detached = result.detached
      })
    }
    const perCall = median(all)
    bufferRows.push([
      moveIt ? 'transfer(buffer, [buffer])' : 'structured clone (copy)',
      perCall,
      quantile(all, 0.99),
      BUFFER_BYTES / MIB / (perCall / 1000),
      detached ? 'yes' : 'no',
      all.length,
    ])
  }

  for (const mode of ['main', 'worker']) {
    const mains = []
    const pushes = []
    const turns = []
    const walls = []
    let stats
    let storage
    for (let run = 0; run < RUNS; run++) {
      progress(
        `analytics: ${ANALYTICS_EVENTS.toLocaleString('en-US')} events, ${mode === 'worker' ? 'worker sink' : 'main-thread EventQueue'} (run ${run + 1}/${RUNS})`,
      )
      await withPage(async (page, cdp) => {
        const prepared = await page.evaluate((options) => globalThis.bench.prepareAnalytics(options), {
          mode,
          count: ANALYTICS_EVENTS,
          storageName: `marco-bench-${mode}-${run}-${Date.now()}`,
        })
        storage = prepared.mode
        await cdp.send('Performance.enable')
        const before = await taskSeconds(cdp)
        const result = await page.evaluate((options) => globalThis.bench.runAnalytics(options), {
          blockSize: ANALYTICS_BLOCK,
        })
        mains.push(((await taskSeconds(cdp)) - before) * 1000)
        pushes.push(sum(result.pushMs))
        turns.push(sum(result.turnMs))
        walls.push(result.wallMs)
        stats = result.stats
      })
    }
    const per1000 = (ms) => (ms * 1000) / ANALYTICS_EVENTS
    analyticsRows.push({
      label:
        mode === 'worker'
          ? 'createWorkerSink → analytics worker (EventQueue in the worker)'
          : 'EventQueue on the main thread',
      storage,
      mainMs: per1000(median(mains)),
      pushMs: per1000(median(pushes)),
      turnMs: per1000(median(turns)),
      wallMs: median(walls),
      delivered:
        mode === 'worker'
          ? `${stats.acknowledged.toLocaleString('en-US')} acked`
          : `${stats.sent.toLocaleString('en-US')} sent`,
    })
  }
} finally {
  await browser.close().catch(() => {})
  await server.close()
}

console.log(
  `\nWorkers benchmark — @marco/workers ${pkg.version} (built dist), comlink ${comlinkVersion ?? 'NOT INSTALLED'}, Chromium ${browser.version()} headless, ` +
    `${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
)
printTable({
  title: `1. RPC round trip — sequential add(1, 2) calls to a module worker, µs per call (${RUNS} pages × ${ROUND_TRIPS.toLocaleString('en-US')} calls after ${ROUND_TRIP_WARMUP.toLocaleString('en-US')} warm-up)`,
  columns: ['implementation', 'median µs', 'p90 µs', 'p99 µs', 'mean µs', 'calls'],
  rows: rpcRows,
  notes: [
    `Chromium clock: performance.now() step ${formatNumber(info?.clockStepUs ?? NaN)} µs (cross-origin isolated: ${info?.crossOriginIsolated ? 'yes' : 'no'}).`,
    comlinkVersion
      ? 'Variants interleaved run by run, each run in a fresh browser context.'
      : 'comlink is not installed (add comlink@4.4.2 as a root devDependency): its row is missing.',
  ],
})
printTable({
  title: `2. A ${BUFFER_BYTES / MIB} MiB ArrayBuffer to a worker through wrap() (the worker answers its byteLength), ms per call`,
  columns: ['how', 'median ms', 'p99 ms', 'MiB/s', 'sender detached', 'calls'],
  rows: bufferRows,
  notes: [
    'A fresh, filled buffer per call, allocated before timing. MiB/s = 1 MiB ÷ median time per call (one way; the answer is a number).',
  ],
})
printTable({
  title: `3. Analytics — ${ANALYTICS_EVENTS.toLocaleString('en-US')} events (10-field payload) in blocks of ${ANALYTICS_BLOCK.toLocaleString('en-US')}, a turn after each, then flush(); main-thread ms per 1,000 events (median of ${RUNS} pages)`,
  columns: ['sink', 'storage', 'main thread', 'push()', 'turns', 'wall ms', 'delivered'],
  rows: analyticsRows.map((row) => [
    row.label,
    row.storage,
    row.mainMs,
    row.pushMs,
    row.turnMs,
    row.wallMs,
    row.delivered,
  ]),
  notes: [
    "main thread: the page renderer main thread's task time (CDP Performance.getMetrics TaskDuration) from the first block until flush() resolved, per 1,000 events;",
    '      it includes IndexedDB request dispatch and fetch for the main-thread queue, JSON + postMessage of each batch for the worker sink (whose worker threads are not counted).',
    'push(): wall time of the push() calls; turns: the macrotask turn after each block, where the queue ingests (main) or nothing runs (worker: a batch is posted every 100 events, inside push).',
    'delivered: when flush() resolved — main: events the queue had sent (warm-up included); worker: events the worker acknowledged into its queue, whose flush then ran in the worker.',
    'Both sinks warmed up first (worker started, IndexedDB open, 100 events delivered). The bench server answers every batch 204.',
  ],
})
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

// ── helpers ───────────────────────────────────────────────────────────────────────────────────────────────

/** A fresh browser context (its own renderer) with the page loaded, handed to `run`, then closed. */
async function withPage(run) {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        console.error(`[page ${message.type()}] ${message.text()}`)
    })
    await page.goto(server.origin)
    await page.waitForFunction(() => globalThis.benchReady === true)
    const cdp = await context.newCDPSession(page)
    return await run(page, cdp)
  } finally {
    await context.close()
  }
}

async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((metric) => metric.name === 'TaskDuration').value
}

/** comlink's version where it resolves from bench/, else undefined. */
function readComlinkVersion() {
  try {
    const require = createRequire(import.meta.url)
    return JSON.parse(readFileSync(require.resolve('comlink/package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

/**
 * The page, the same script as every worker (`/bench.js?role=…`, same origin, as module workers need), and a
 * collector stand-in that answers every batch 204. Cross-origin isolated, for a 5 µs `performance.now()`.
 */
function serveWithCollector(code) {
  return serve(code, (req, res, path) => {
    if (path !== '/v1/batch' || req.method !== 'POST') return false
    req.resume()
    req.on('end', () => res.writeHead(204, ISOLATION).end())
    return true
  })
}

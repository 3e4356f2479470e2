// Side-by-side frame benchmark of the delivery pipeline (issue 16): a 2,000-rect canvas drawn every frame with
// the frame rate uncapped, and analytics track() calls at a steady rate inside the frame loop — Marco with
// persistence on (the default) and off, and Datadog browser-logs (logger.info per event), all sending to the
// same local server. Reports main-thread share (1 − baseline frame time / frame time, medians of runs), heap
// growth for 10,000 calls, wire bytes per event, and exactly-once delivery. Numbers only, no assertions.
//
//   pnpm run build && pnpm run bench frame          5 runs of 1 + 4 s per row and rate (~5 minutes on 2 busy cores)
// node bench/frame.bench.mjs --quick              3 runs of 1 + 2 s (~2 minutes); or BENCH_QUICK=1 pnpm run bench frame
//   options: --runs=N --seconds=S --rates=60,1000 --sdks=marco,marco-memory,datadog --no-heap
//   --deferred adds one run per row and rate timing the SDK's own main-thread work (track(), its microtasks
//   and timer callbacks): how much of its share the SDK's code is, and how much the page's work slowed by it
//   --sdks=…,posts adds a row without any SDK whose page only POSTs 15 small bodies a second (what requests cost)
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { gunzipSync, inflateSync } from 'node:zlib'
import { bundleForBrowser, CHROMIUM_ARGS, CHROMIUM_PATH, ROOT, serve } from './lib/chromium.mjs'
import { usedHeap } from './lib/heap.mjs'
import { median } from './lib/stats.mjs'
import { formatNumber, printTable } from './lib/table.mjs'

// `pnpm run bench` passes no flags through: BENCH_QUICK=1 is the same as --quick.
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1'
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
const RUNS = Number(option('runs') ?? (quick ? 3 : 5))
const SECONDS = Number(option('seconds') ?? (quick ? 2 : 4))
const WARM_UP_SECONDS = 1
const SHAPES = 2_000
const RATES = option('rates')?.split(',').map(Number) ?? [60, 1_000]
const HEAP_CALLS = 10_000
/** Calls made and delivered before the heap baseline, so compiled code and first-use caches are not growth. */
const HEAP_WARM_UP_CALLS = 200
/** The server has seen nothing new for this long: the SDK has sent what it was going to send. */
const QUIET_MS = 1_000
const SETTLE_LIMIT_MS = 20_000
/** An uncapped empty frame loop runs far above any display rate; below this the flags did not take effect. */
const UNCAPPED_MIN_FPS = 90
const DATADOG_RATE_LIMIT_PER_MINUTE = 3_000
const TARGETS = { shareAt1000: 15, heapBytes: 4e6, pointsOverDatadogAt60: 1 }
const MB = 1e6
const POSTS_PER_SECOND = 15

const version = (name) => JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')).version
const SDKS = [
  { key: 'marco', label: 'Marco, IndexedDB on (default)', target: true },
  { key: 'marco-memory', label: 'Marco, queue: { storage: false }' },
  { key: 'datadog', label: `Datadog browser-logs ${version('@datadog/browser-logs')} logger.info()` },
  // Only when named in --sdks: what requests alone cost the page (the reason the queue sends few, large ones).
  { key: 'posts', label: `no SDK: the page POSTs ${POSTS_PER_SECOND} bodies of 2.7 KB a second`, optIn: true },
].filter(({ key, optIn }) => (option('sdks') ? option('sdks').split(',').includes(key) : !optIn))
/** Uncapped frames: no vsync, no frame rate limit, so the baseline's frame time is the canvas's own cost. */
const ARGS = [...CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit']

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const started = performance.now()

// ── The local server: both SDKs send to /in/<tag>/…, <tag> naming the page that sent ────────────────────────

/** What reached the server, per tag: requests, bytes as sent and inflated, and the pointer events by seq and id. */
const received = new Map()
function tally(tag) {
  if (!received.has(tag))
    received.set(tag, {
      requests: 0,
      wireBytes: 0,
      jsonBytes: 0,
      events: 0,
      other: 0,
      seqs: new Map(),
      ids: new Map(),
      lastAt: 0,
      bad: 0,
    })
  return received.get(tag)
}
const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1)

function route(req, res, path) {
  const match = /^\/in\/([^/]+)\/(v1\/batch|dd)$/.exec(path)
  if (req.method !== 'POST' || !match) return false
  const chunks = []
  req.on('data', (chunk) => chunks.push(chunk))
  req.on('end', () => {
    const t = tally(decodeURIComponent(match[1]))
    t.lastAt = performance.now()
    try {
      const wire = Buffer.concat(chunks)
      const text = inflate(
        wire,
        new URL(req.url, 'http://127.0.0.1').searchParams,
        req.headers['content-encoding'],
      ).toString('utf8')
      t.requests++
      t.wireBytes += wire.length
      t.jsonBytes += Buffer.byteLength(text)
      if (match[2] === 'v1/batch') {
        for (const event of JSON.parse(text).events) {
          if (event.type === 'track' && event.payload?.name === 'canvas_pointer') {
            t.events++
            count(t.seqs, event.payload.properties.seq)
            if (event.payload.properties.seq >= 0) count(t.ids, event.id)
          } else t.other++
        }
      } else {
        // Datadog's intake takes newline-delimited JSON, one log per line.
        for (const line of text.split('\n')) {
          if (!line.trim()) continue
          const log = JSON.parse(line)
          if (log.message === 'canvas_pointer') {
            t.events++
            count(t.seqs, log.seq)
          } else t.other++
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    } catch {
      t.bad++
      res.writeHead(400).end()
    }
  })
  return true
}

/** The body as the SDK meant it: gzip named in the URL (`?encoding=gzip`) or a header; Datadog's deflate. */
function inflate(wire, query, contentEncoding) {
  if (query.get('encoding') === 'gzip' || contentEncoding === 'gzip') return gunzipSync(wire)
  if (query.get('dd-evp-encoding') === 'deflate' || contentEncoding === 'deflate') return inflateSync(wire)
  return wire
}

/** Waits until `tag` has received nothing for QUIET_MS (and at least `until()` holds, if given), bounded. */
async function settle(tag, until = () => true) {
  const deadline = performance.now() + SETTLE_LIMIT_MS
  const since = performance.now()
  while (performance.now() < deadline) {
    const t = tally(tag)
    if (until(t) && performance.now() - Math.max(t.lastAt, since) >= QUIET_MS) return true
    await sleep(100)
  }
  return false
}

// ── Chromium ───────────────────────────────────────────────────────────────────────────────────────────────

const script = await bundleForBrowser('bench/frame.page.mjs')
/**
 * The server of the current round. `serve` closes itself after a few minutes, so each round of rows (and each
 * heap measurement) gets its own, on its own port; requests still in flight when a round ends are not counted.
 */
let server
async function withServer(run) {
  server = await serve(script, route)
  try {
    return await run()
  } finally {
    await server.close()
  }
}
const { chromium } = await import('playwright-core')
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS })

/**
 * A page in a fresh browser context (own renderer, in-memory IndexedDB), the SDK set up and settled;
 * `deferred`: its entry points timed (frame.page.mjs, `instrument`).
 */
async function openPage(sdk, tag, deferred = false) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[page error] ${message.text()}`)
  })
  await page.goto(server.origin)
  await page.waitForFunction(() => globalThis.benchReady === true)
  await page.evaluate((options) => globalThis.bench.prepare(options), { sdk, tag, posts: POSTS_PER_SECOND, deferred })
  return { page, context }
}

/**
 * Runs the frame loop for a warm-up, then measures `seconds` of it between two samples: the mean frame time
 * (page timestamps of the last frame at each sample) and the renderer main thread's CPU time per frame (CDP
 * `ThreadTime`, which does not advance while the thread waits for a core another process holds).
 */
async function measureFrames(page, { rate, shapes, warmUpSeconds, seconds }) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const sampleNow = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const threadSeconds = metrics.find((metric) => metric.name === 'ThreadTime')?.value ?? NaN
    return { threadSeconds, ...(await page.evaluate(() => globalThis.bench.sample())) }
  }
  await page.evaluate((options) => globalThis.bench.start(options), { rate, shapes })
  await sleep(warmUpSeconds * 1000)
  const from = await sampleNow()
  await sleep(seconds * 1000)
  const to = await sampleNow()
  await page.evaluate(() => globalThis.bench.stop())
  const frames = to.frames - from.frames
  const spentMs = (key) => to.spent[key] - from.spent[key]
  return {
    frames,
    seconds: (to.lastFrameAt - from.lastFrameAt) / 1000,
    spent: { track: spentMs('track'), microtasks: spentMs('microtasks'), timers: spentMs('timers') },
    calls: to.calls - from.calls,
    meanFrameMs: (to.lastFrameAt - from.lastFrameAt) / frames,
    cpuMsPerFrame: ((to.threadSeconds - from.threadSeconds) * 1000) / frames,
  }
}

const frameRuns = new Map()
const frameCheck = {}
const heapRows = new Map()
const deferredRuns = new Map()

try {
  progress('frame rate check: empty frames and the canvas, no SDK')
  await withServer(async () => {
    const { page, context } = await openPage('none', 'check')
    const empty = await measureFrames(page, { rate: 0, shapes: 0, warmUpSeconds: 0.5, seconds: 1 })
    frameCheck.emptyFps = 1000 / empty.meanFrameMs
    await context.close()
  })
  if (frameCheck.emptyFps < UNCAPPED_MIN_FPS)
    console.error(`warning: empty frames run at ${formatNumber(frameCheck.emptyFps)} fps: the frame rate looks capped`)

  const rows = ['none', ...SDKS.map((sdk) => sdk.key)]
  for (const rate of RATES) {
    for (let run = 0; run < RUNS; run++) {
      // The order rotates each run, and reverses every other, so drift in a shared machine falls on every row alike.
      const order = [...rows.slice(run % rows.length), ...rows.slice(0, run % rows.length)]
      if (run % 2) order.reverse()
      await withServer(async () => {
        for (const sdk of order) {
          progress(`${rate.toLocaleString('en-US')}/s, run ${run + 1} of ${RUNS}: ${sdk}`)
          const { page, context } = await openPage(sdk, `frames-${sdk}-${rate}-${run}`)
          try {
            const result = await measureFrames(page, {
              rate,
              shapes: SHAPES,
              warmUpSeconds: WARM_UP_SECONDS,
              seconds: SECONDS,
            })
            const key = `${sdk}@${rate}`
            frameRuns.set(key, [...(frameRuns.get(key) ?? []), { run, ...result }])
          } finally {
            await context.close()
          }
        }
      })
    }
  }

  if (process.argv.includes('--deferred'))
    for (const rate of RATES)
      await withServer(async () => {
        for (const sdk of rows) {
          progress(`${rate.toLocaleString('en-US')}/s, the SDK's own work timed: ${sdk}`)
          const { page, context } = await openPage(sdk, `deferred-${sdk}-${rate}`, true)
          try {
            const options = { rate, shapes: SHAPES, warmUpSeconds: WARM_UP_SECONDS, seconds: SECONDS }
            deferredRuns.set(`${sdk}@${rate}`, await measureFrames(page, options))
          } finally {
            await context.close()
          }
        }
      })

  for (const { key } of process.argv.includes('--no-heap') ? [] : SDKS.filter(({ optIn }) => !optIn)) {
    progress(`heap and delivery of ${HEAP_CALLS.toLocaleString('en-US')} calls: ${key}`)
    heapRows.set(key, await withServer(() => heapAndDelivery(key)))
  }
} finally {
  await browser.close().catch(() => {})
}

/**
 * Heap growth of HEAP_CALLS calls made in one go (after full GCs, while the events wait in the SDK, and again
 * once delivered), then a final flush, the page closed, and what the server received counted.
 */
async function heapAndDelivery(sdk) {
  const tag = `heap-${sdk}`
  const { page, context } = await openPage(sdk, tag)
  const cdp = await context.newCDPSession(page)
  let closed = false
  try {
    await page.evaluate((options) => globalThis.bench.calls(options), {
      from: -HEAP_WARM_UP_CALLS,
      count: HEAP_WARM_UP_CALLS,
    })
    await page.evaluate(() => globalThis.bench.flush())
    await settle(tag)
    const before = await usedHeap(cdp)
    await page.evaluate((options) => globalThis.bench.calls(options), { from: 0, count: HEAP_CALLS })
    const pending = await usedHeap(cdp)
    await page.evaluate(() => globalThis.bench.flush())
    await settle(tag, (t) => deliveredOf(t) >= HEAP_CALLS || sdk === 'datadog')
    const delivered = await usedHeap(cdp)
    // Leaving the page is the final flush for an SDK without one (Datadog), and must not resend for one with.
    await page.close({ runBeforeUnload: true })
    closed = true
    await settle(tag)
    return { before, pending, delivered }
  } finally {
    if (!closed) await page.close().catch(() => {})
    await context.close()
  }
}

/** Distinct seqs of the measured calls (0 … HEAP_CALLS − 1) that reached the server. */
function deliveredOf(t) {
  let delivered = 0
  for (const seq of t.seqs.keys()) if (seq >= 0 && seq < HEAP_CALLS) delivered++
  return delivered
}

// ── Tables ─────────────────────────────────────────────────────────────────────────────────────────────────

/** A metric of the frame runs: `meanFrameMs` (wall) or `cpuMsPerFrame` (main-thread CPU). */
const runsOf = (metric, sdk, rate) =>
  (frameRuns.get(`${sdk}@${rate}`) ?? []).map((run) => ({ run: run.run, value: run[metric] }))
const medianOf = (metric, sdk, rate) => median(runsOf(metric, sdk, rate).map((run) => run.value))
const share = (metric, sdk, rate) => (1 - medianOf(metric, 'none', rate) / medianOf(metric, sdk, rate)) * 100
/** Each run's share against the baseline of the same run: the spread the median hides. */
function shareRange(metric, sdk, rate) {
  const base = new Map(runsOf(metric, 'none', rate).map((run) => [run.run, run.value]))
  const shares = runsOf(metric, sdk, rate).map((run) => (1 - base.get(run.run) / run.value) * 100)
  return shares.length ? `${formatNumber(Math.min(...shares))} … ${formatNumber(Math.max(...shares))}` : undefined
}
const has = (sdk, rate) => frameRuns.has(`${sdk}@${rate}`)
const verdict = (ok) => (ok ? 'met' : 'MISSED')

function frameTarget(metric, sdk) {
  if (!SDKS.find((s) => s.key === sdk)?.target) return undefined
  const parts = []
  if (has(sdk, 60) && has('datadog', 60)) {
    const limit = share(metric, 'datadog', 60) + TARGETS.pointsOverDatadogAt60
    parts.push(
      `60/s ≤ ${formatNumber(limit)} % (Datadog + ${TARGETS.pointsOverDatadogAt60}): ${verdict(share(metric, sdk, 60) <= limit)}`,
    )
  }
  if (has(sdk, 1000))
    parts.push(`1,000/s ≤ ${TARGETS.shareAt1000} %: ${verdict(share(metric, sdk, 1000) <= TARGETS.shareAt1000)}`)
  return parts.join('; ')
}

const perSecond = (rate) => `${rate.toLocaleString('en-US')}/s`
function printShareTable({ title, metric, unit, notes }) {
  printTable({
    title,
    columns: [
      'SDK',
      ...RATES.flatMap((rate) => [`${perSecond(rate)} share`, `${perSecond(rate)} runs`]),
      ...RATES.map((rate) => `${perSecond(rate)} ${unit}`),
      'target',
    ],
    rows: [
      [
        'no SDK (baseline)',
        ...RATES.flatMap(() => [undefined, undefined]),
        ...RATES.map((rate) => medianOf(metric, 'none', rate)),
        undefined,
      ],
      ...SDKS.map(({ key, label }) => [
        label,
        ...RATES.flatMap((rate) => [share(metric, key, rate), shareRange(metric, key, rate)]),
        ...RATES.map((rate) => medianOf(metric, key, rate)),
        frameTarget(metric, key),
      ]),
    ],
    notes,
  })
}

console.log(
  `\nFrame benchmark — Chromium ${browser.version()} headless (--disable-gpu-vsync --disable-frame-rate-limit), ${SHAPES.toLocaleString('en-US')}-rect 800×600 canvas, ` +
    `${availableParallelism()} CPUs (load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')} at the end), ${RUNS} runs of ${WARM_UP_SECONDS} s warm-up + ${SECONDS} s per row and rate\n`,
)
printShareTable({
  title: 'a. Main-thread share of real frames: 1 − baseline frame time / frame time (%; medians of runs)',
  metric: 'meanFrameMs',
  unit: 'frame ms',
  notes: [
    `Uncapped frames: an empty frame loop ran at ${formatNumber(frameCheck.emptyFps)} fps (${frameCheck.emptyFps >= UNCAPPED_MIN_FPS ? 'above' : 'BELOW'} any display rate); ` +
      `the baseline canvas at ${RATES.map((rate) => `${formatNumber(1000 / medianOf('meanFrameMs', 'none', rate))} fps`).join(' / ')}.`,
    "frame ms: wall time of the measured frames ÷ their count (median of runs); share uses those medians. runs: min … max of each run's share against the same run's baseline.",
    'Each row and run in a fresh browser context (own renderer, in-memory IndexedDB), set up as a new user would, consent granted; the row order rotates and reverses between runs.',
    "track() is called in the frame callback, as many calls as are due by the frame's timestamp; deferred work (timers, IndexedDB, serializing, sending) lands in the frames it delays.",
    ...RATES.filter((rate) => rate * (WARM_UP_SECONDS + SECONDS) > DATADOG_RATE_LIMIT_PER_MINUTE).map(
      (rate) =>
        `Datadog keeps at most ${DATADOG_RATE_LIMIT_PER_MINUTE.toLocaleString('en-US')} logs per status per minute (built in, not an init option): at ${perSecond(rate)} it drops every call ` +
        `after the first ${formatNumber(DATADOG_RATE_LIMIT_PER_MINUTE / rate)} s of the ${WARM_UP_SECONDS + SECONDS} s, which flatters its row.`,
    ),
  ],
})
printShareTable({
  title:
    'a′. The same frames counted in main-thread CPU time: 1 − baseline CPU ms per frame / CPU ms per frame (%; medians of runs)',
  metric: 'cpuMsPerFrame',
  unit: 'CPU ms/frame',
  notes: [
    "CPU ms/frame: the renderer main thread's CPU time (CDP Performance.getMetrics ThreadTime) over the same measured frames ÷ their count. It does not count time the",
    "      thread waits for a core, so other processes on a shared machine move it far less than wall time; it also leaves out work off the page's main thread",
    "      (IndexedDB in the browser process, the network stack, compression threads). Read a. as the target's figure and a′. as its check when the runs of a. spread widely.",
  ],
})

if (deferredRuns.size)
  printTable({
    title:
      "c. The SDK's own main-thread work (--deferred: one run per row and rate, its entry points timed in the page)",
    columns: [
      'SDK',
      'rate',
      'track() ms/s',
      'microtasks ms/s',
      'timers ms/s',
      'own share %',
      'frame ms',
      'share of frames %',
    ],
    rows: RATES.flatMap((rate) =>
      SDKS.filter(({ key }) => deferredRuns.has(`${key}@${rate}`)).map(({ key, label }) => {
        const { spent, seconds, meanFrameMs } = deferredRuns.get(`${key}@${rate}`)
        const base = deferredRuns.get(`none@${rate}`).meanFrameMs
        return [
          label,
          perSecond(rate),
          spent.track / seconds,
          spent.microtasks / seconds,
          spent.timers / seconds,
          (spent.track + spent.microtasks + spent.timers) / seconds / 10,
          meanFrameMs,
          (1 - base / meanFrameMs) * 100,
        ]
      }),
    ),
    notes: [
      'ms/s: main-thread milliseconds per second of frames inside the SDK track() calls, and inside the callbacks it gave queueMicrotask, setTimeout and setInterval',
      '      (ingesting, writing, batching, sending); promise continuations and event listeners are not counted, so these are floors, alike for every SDK.',
      "own share: their sum as a share of the main thread. share of frames: this one run's frame time against the no-SDK row of the same pass (a single run: noisier than a.).",
      "      What the share of frames has beyond the own share is the page's own work slowed: by the SDK's work off the main thread (network, storage, compression)",
      '      on the same cores, and by what the timing cannot see. The timing wrappers cost a little themselves.',
    ],
  })

if (heapRows.size)
  printTable({
    title: `b. ${HEAP_CALLS.toLocaleString('en-US')} calls in one go: heap, wire and delivery`,
    columns: [
      'SDK',
      'heap growth MB',
      'after delivery MB',
      'requests',
      'wire B/event',
      'JSON B/event',
      'delivered',
      'missing',
      'duplicates',
      'distinct ids',
      'target',
    ],
    rows: SDKS.filter(({ key }) => heapRows.has(key)).map(({ key, label }) => {
      const { before, pending, delivered: afterDelivery } = heapRows.get(key)
      const t = tally(`heap-${key}`)
      const delivered = deliveredOf(t)
      const extra = (map) => [...map.values()].reduce((total, times) => total + times - 1, 0)
      // The same event sent twice repeats its seq; an SDK that resent it under a new id would still repeat the seq.
      const duplicates = extra(t.seqs)
      const target = key.startsWith('marco')
        ? `heap ≤ ${TARGETS.heapBytes / MB} MB: ${verdict(pending - before <= TARGETS.heapBytes)}; all once: ${verdict(delivered === HEAP_CALLS && duplicates === 0)}`
        : undefined
      return [
        label,
        (pending - before) / MB,
        (afterDelivery - before) / MB,
        t.requests,
        t.wireBytes / t.events,
        t.jsonBytes / t.events,
        delivered,
        HEAP_CALLS - delivered,
        duplicates,
        key.startsWith('marco') ? t.ids.size : undefined,
        target,
      ]
    }),
    notes: [
      `heap growth: CDP Runtime.getHeapUsage usedSize after 3 × HeapProfiler.collectGarbage, right after the ${HEAP_CALLS.toLocaleString('en-US')} calls (events waiting in the SDK) minus before them;`,
      `      after delivery: the same once the server has seen nothing new for ${QUIET_MS / 1000} s after a flush. ${HEAP_WARM_UP_CALLS} calls made and delivered before the baseline. MB = 10⁶ bytes.`,
      'wire B/event: request bodies as sent (gzip where the SDK compresses, ?encoding=gzip) ÷ pointer events received; JSON B/event: the same bodies inflated. Warm-up calls included in both.',
      `delivered: distinct seqs 0 … ${(HEAP_CALLS - 1).toLocaleString('en-US')} at the server after flush(), then the page closed (the final flush for Datadog, which has no flush()) and the server quiet;`,
      "      duplicates: extra copies of a seq; distinct ids: distinct event ids among the measured calls (Marco's wire has one per event). Each page posts under its own path, so a late request is never counted for another row.",
      `Datadog keeps ${DATADOG_RATE_LIMIT_PER_MINUTE.toLocaleString('en-US')} logs per minute and drops the rest (built-in rate limit): its heap and delivery cover those only.`,
    ],
  })
const bad = [...received.values()].reduce((total, t) => total + t.bad, 0)
if (bad) console.log(`${bad} request(s) the server could not read (400)`)
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

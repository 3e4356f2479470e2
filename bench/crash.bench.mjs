// Benchmark of @marco/crash-reporter, the built package as an app imports it: the cost of captureException()
// in Node and in Chromium (every capture sent vs a repeat that is only counted), and an error storm in
// Chromium — 10,000 identical uncaught errors thrown from requestAnimationFrame callbacks — with and without
// the reporter: frame work, requests sent, heap growth. Numbers only, no assertions.
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { readFileSync } from 'node:fs'
import { createCoreContext } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'
import { ROOT, withChromium } from './lib/chromium.mjs'
import { median, quantile } from './lib/stats.mjs'
import { printTable } from './lib/table.mjs'

const CAPTURE_COUNT = 20_000
const BLOCK = 100
const STORM_ERRORS = 10_000
const STORM_PER_FRAME = 100
/** Simulated: one error per frame at 60 fps for this many frames (≈ 2.8 minutes of a broken render loop). */
const SIMULATED_FRAMES = 10_000
const now = () => performance.now()

await main()

async function main() {
  const started = now()
  const pkg = JSON.parse(readFileSync(`${ROOT}packages/crash-reporter/package.json`, 'utf8'))
  const progress = (message) => process.stderr.write(`  … ${message}\n`)

  progress('Node: captureException()')
  const captureRows = [await nodeCapture(false), await nodeCapture(true)]
  progress('Node: a 60 fps error loop on a simulated clock')
  const simulated = simulateLoop()

  let version = '?'
  let isolated = false
  const stormRows = []
  await withChromium({ entry: 'bench/crash.page.mjs' }, async ({ version: v, openPage }) => {
    version = v
    for (const dedupe of [false, true]) {
      progress(`Chromium: captureException() (${dedupe ? 'repeat, counted' : 'every capture sent'})`)
      const { page, close } = await openPage()
      try {
        isolated = (await page.evaluate(() => globalThis.bench.info())).crossOriginIsolated
        const result = await page.evaluate((options) => globalThis.bench.captureCost(options), {
          dedupe,
          count: CAPTURE_COUNT,
          blockSize: BLOCK,
        })
        captureRows.push(captureRow('Chromium', dedupe, result))
      } finally {
        await close()
      }
    }
    for (const withReporter of [false, true]) {
      progress(`Chromium: error storm ${withReporter ? 'with' : 'without'} the reporter`)
      stormRows.push(await storm(openPage, withReporter))
    }
  })

  console.log(
    `\nCrashReporter benchmark — @marco/crash-reporter ${pkg.version} (built dist), Node ${process.version}, Chromium ${version} headless, ` +
      `${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
  )
  printTable({
    title: `1. captureException() — ${CAPTURE_COUNT.toLocaleString('en-US')} errors made at one place, in blocks of ${BLOCK} (µs per call)`,
    columns: ['where', 'path', 'median', 'p99', 'events queued', 'requests'],
    rows: captureRows.map((row) => [row.where, row.path, row.median, row.p99, row.events, row.requests]),
    notes: [
      'sent: dedupe and rate limits off (dedupeWindowMs 0, maxEventsPerMinute ∞): parse, noise filter, fingerprint, scrub, serialize, EventQueue.push.',
      'counted: the defaults; after the first, each repeat is parsed, fingerprinted and counted, not sent.',
      `Errors are created before timing; the transport answers 'sent' at once; storage off. Chromium clock step: ${isolated ? '5 µs (cross-origin isolated)' : '100 µs'}.`,
    ],
  })
  printTable({
    title: `2. Error storm in Chromium — ${STORM_ERRORS.toLocaleString('en-US')} identical uncaught errors, ${STORM_PER_FRAME} requestAnimationFrame callbacks per frame`,
    columns: [
      'reporter',
      'frames',
      'work med ms',
      'work p95 ms',
      'work/error µs',
      'interval med ms',
      'requests',
      'events',
      'occurrences',
      'heap growth KB',
    ],
    rows: stormRows.map((row) => [
      row.label,
      row.frames,
      row.workMedian,
      row.workP95,
      row.perErrorUs,
      row.intervalMedian,
      row.requests,
      row.events,
      row.occurrences,
      row.heapKb,
    ]),
    notes: [
      'work: from the first to the last rAF callback of a frame (the throwing callbacks, each error event with its listeners); interval: between frame timestamps.',
      'occurrences: the errors the sent events stand for (their count); repeats after the last send wait for the next occurrence.',
      'heap growth: CDP Runtime.getHeapUsage after full GC, after the storm and a flush minus before it (reporter created before).',
      'Both runs cancel the error events so 10,000 errors do not flood the console.',
    ],
  })
  printTable({
    title: `3. One error per frame at 60 fps for ${SIMULATED_FRAMES.toLocaleString('en-US')} frames (${(SIMULATED_FRAMES / 60).toFixed(0)} s), simulated clock, Node`,
    columns: ['events sent', 'occurrences in them', 'counted, waiting', 'first sends at (s)'],
    rows: [[simulated.sent, simulated.occurrences, SIMULATED_FRAMES - simulated.occurrences, simulated.times]],
    notes: [
      'The quiet period after a send starts at 1 s and doubles per send up to 60 s; overall at most 30 events a minute.',
    ],
  })
  console.log(`total ${((now() - started) / 1000).toFixed(1)} s`)
}

async function nodeCapture(dedupe) {
  const events = []
  const context = createCoreContext({
    queue: { push: (event) => events.push(event), purge: () => {} },
    consent: { defaults: { crash: 'granted' } },
  })
  const reporter = new CrashReporter({
    breadcrumbs: false,
    globalHandlers: false,
    ...(dedupe ? {} : { dedupeWindowMs: 0, maxEventsPerMinute: Infinity }),
  })
  reporter.setup(context)
  const errors = Array.from({ length: CAPTURE_COUNT }, (_, i) => new Error(`stroke ${i} failed`))
  for (const error of errors.slice(0, 2_000)) reporter.captureException(error)
  events.length = 0
  const perCallUs = []
  for (let start = 0; start < CAPTURE_COUNT; start += BLOCK) {
    const t0 = now()
    for (let i = start; i < start + BLOCK; i++) reporter.captureException(errors[i])
    perCallUs.push(((now() - t0) * 1000) / BLOCK)
  }
  reporter.stop()
  return captureRow('Node', dedupe, { perCallUs, counts: { events: events.length } })
}

function captureRow(where, dedupe, { perCallUs, counts }) {
  return {
    where,
    path: dedupe ? 'repeat, counted' : 'every capture sent',
    median: median(perCallUs),
    p99: quantile(perCallUs, 0.99),
    events: counts.events,
    requests: counts.requests,
  }
}

function simulateLoop() {
  let clock = 0
  const sent = []
  const context = createCoreContext({
    queue: { push: (event) => sent.push({ at: clock, count: event.payload.count }), purge: () => {} },
    consent: { defaults: { crash: 'granted' } },
    clock: { now: () => clock, monotonic: () => clock },
  })
  const reporter = new CrashReporter({ breadcrumbs: false, globalHandlers: false })
  reporter.setup(context)
  const frame = () => reporter.captureException(new Error('render loop failed'))
  for (let i = 0; i < SIMULATED_FRAMES; i++) {
    clock = (i * 1000) / 60
    frame()
  }
  reporter.stop()
  return {
    sent: sent.length,
    occurrences: sent.reduce((total, item) => total + item.count, 0),
    times: sent.map((item) => (item.at / 1000).toFixed(0)).join(' '),
  }
}

async function storm(openPage, withReporter) {
  const { page, cdp, close } = await openPage()
  try {
    const heap = async () => {
      for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
      return (await cdp.send('Runtime.getHeapUsage')).usedSize
    }
    await page.evaluate((options) => globalThis.bench.prepareStorm(options), { withReporter })
    const before = await heap()
    const { frames, counts } = await page.evaluate((options) => globalThis.bench.runStorm(options), {
      errors: STORM_ERRORS,
      perFrame: STORM_PER_FRAME,
    })
    const after = await heap()
    await page.evaluate(() => globalThis.bench.finishStorm())
    const work = frames.map((frame) => frame.workMs)
    const intervals = frames.slice(1).map((frame, i) => frame.time - frames[i].time)
    return {
      label: withReporter ? 'CrashReporter' : 'none',
      frames: frames.length,
      workMedian: median(work),
      workP95: quantile(work, 0.95),
      perErrorUs: (median(work) * 1000) / STORM_PER_FRAME,
      intervalMedian: median(intervals),
      requests: withReporter ? counts.requests : undefined,
      events: withReporter ? counts.events : undefined,
      occurrences: withReporter ? counts.occurrences : undefined,
      heapKb: (after - before) / 1024,
    }
  } finally {
    await close()
  }
}

// Benchmark of @marco/analytics' AnalyticsEngine, the built package as an app imports it, in Chromium: the
// cost of one call of each tracking method, and what 1,000 trackCanvasInteraction calls a second add to the
// frames of a busy canvas. Numbers only, no assertions.
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { ROOT, withChromium } from './lib/chromium.mjs'
import { median, quantile, sum } from './lib/stats.mjs'
import { formatNumber, printTable } from './lib/table.mjs'

const CALLS = 100_000
const WARMUP_CALLS = 20_000
const BLOCK_CALLS = 1_000
const METHODS = [
  'trackCanvasInteraction',
  'trackGestureUsage',
  'trackCollaborativeActions',
  'trackPerformanceMetrics',
  'track',
  'page',
  'floor',
]

const FRAME_SHAPES = 2_000
const FRAME_SECONDS = 3
const FRAME_WARMUP_SECONDS = 1
const CALLS_PER_SECOND = 1_000
/** Runs of each variant, interleaved A B, B A, A B, … so drift in the machine falls on both alike. */
const FRAME_RUNS = 3
const OVERHEAD_GOAL_PERCENT = 1

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const mean = (values) => sum(values) / values.length
const started = performance.now()
const pkg = JSON.parse(readFileSync(`${ROOT}packages/analytics/package.json`, 'utf8'))

let chromiumVersion = '?'
let clock = { crossOriginIsolated: false, clockStepUs: NaN }
const callRows = []
const frameRuns = { base: [], sdk: [] }

await withChromium({ entry: 'bench/analytics.page.mjs' }, async ({ version, openPage }) => {
  chromiumVersion = version
  for (const method of METHODS) {
    progress(`Chromium: ${method}()`)
    const { page, close } = await openPage()
    try {
      clock = await page.evaluate(() => globalThis.bench.info())
      await page.evaluate((options) => globalThis.bench.prepareCalls(options), {
        method,
        count: CALLS,
        warmUp: WARMUP_CALLS,
      })
      const { callMs, turnMs } = await page.evaluate((options) => globalThis.bench.runCalls(options), {
        blockSize: BLOCK_CALLS,
      })
      const perCallUs = (ms) => (ms * 1000) / BLOCK_CALLS
      callRows.push({
        method,
        medianUs: median(callMs.map(perCallUs)),
        p99Us: quantile(callMs.map(perCallUs), 0.99),
        turnMedianUs: median(turnMs.map(perCallUs)),
        turnP99Us: quantile(turnMs.map(perCallUs), 0.99),
      })
    } finally {
      await close()
    }
  }

  for (let run = 0; run < FRAME_RUNS; run++) {
    for (const withSdk of run % 2 ? [true, false] : [false, true]) {
      progress(`Chromium: frames, ${withSdk ? 'with the SDK' : 'no SDK'}, run ${run + 1} of ${FRAME_RUNS}`)
      const { page, cdp, close } = await openPage()
      try {
        await cdp.send('Performance.enable')
        const before = await taskSeconds(cdp)
        const result = await page.evaluate((options) => globalThis.bench.frames(options), {
          withSdk,
          seconds: FRAME_SECONDS,
          warmUpSeconds: FRAME_WARMUP_SECONDS,
          callsPerSecond: CALLS_PER_SECOND,
          shapes: FRAME_SHAPES,
        })
        const mainMs = ((await taskSeconds(cdp)) - before) * 1000
        frameRuns[withSdk ? 'sdk' : 'base'].push({ ...result, mainMs })
      } finally {
        await close()
      }
    }
  }
})

console.log(
  `\nAnalyticsEngine benchmark — @marco/analytics ${pkg.version} (built dist), Chromium ${chromiumVersion} headless, ` +
    `${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
)
printCallTable()
printFrameTable()
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

/** Main-thread task time of the page's renderer so far, in seconds (JS, style, layout, paint, raster dispatch). */
async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((metric) => metric.name === 'TaskDuration').value
}

function printCallTable() {
  const floor = callRows.find((row) => row.method === 'floor')
  printTable({
    title:
      `a. Per call — ${CALLS.toLocaleString('en-US')} calls of each method (after ${WARMUP_CALLS.toLocaleString('en-US')} warm-up calls) in blocks of ` +
      `${BLOCK_CALLS.toLocaleString('en-US')}, a setTimeout(0) turn after each (µs per call)`,
    columns: ['method', 'call med', 'call p99', 'call med − floor', 'turn med', 'turn p99'],
    rows: callRows.map((row) => [
      row.method === 'floor'
        ? 'floor (harness: a no-op behind the same wrapper)'
        : row.method === 'track'
          ? 'track (5 properties)'
          : row.method === 'page'
            ? 'page (SPA navigation URL)'
            : row.method,
      row.medianUs,
      row.p99Us,
      row.method === 'floor' ? undefined : row.medianUs - floor.medianUs,
      row.turnMedianUs,
      row.turnP99Us,
    ]),
    notes: [
      `call: wall time of a block of ${BLOCK_CALLS.toLocaleString('en-US')} calls ÷ ${BLOCK_CALLS.toLocaleString('en-US')}; median and p99 over the ${CALLS / BLOCK_CALLS} blocks; arguments built (seeded, varied) before timing.`,
      `turn: wall time of the macrotask turn after a block (the queue's deferred ingest: JSON, bounds, IndexedDB put, and the send) ÷ ${BLOCK_CALLS.toLocaleString('en-US')};`,
      `      the pre-aggregated methods queue nothing, so theirs is the bare turn.`,
      `Engine used alone, analytics consent granted, one fresh page (browser context) per method; the queue stores in IndexedDB and its transport answers 'sent' at once.`,
      `Chromium clock: performance.now() step ${formatNumber(clock.clockStepUs)} µs (cross-origin isolated: ${clock.crossOriginIsolated ? 'yes' : 'no'}), ` +
        `i.e. ±${formatNumber(clock.clockStepUs / BLOCK_CALLS)} µs/call per block.`,
    ],
  })
}

function printFrameTable() {
  const summarize = (label, runs) => {
    const scriptMs = runs.flatMap((run) => run.scriptMs)
    const intervalMs = runs.flatMap((run) => run.intervalMs)
    const trackMs = runs.flatMap((run) => run.trackMs)
    const calls = sum(runs.map((run) => run.calls))
    return {
      label,
      runs: runs.length,
      frames: scriptMs.length,
      callsPerSecond: calls / (sum(intervalMs) / 1000),
      callsPerFrame: calls / scriptMs.length,
      runMeans: runs.map((run) => mean(run.scriptMs)),
      scriptP95: quantile(scriptMs, 0.95),
      trackMean: mean(trackMs),
      trackMedian: median(trackMs),
      intervalMean: mean(intervalMs),
      intervalP95: quantile(intervalMs, 0.95),
      // CDP task time covers the whole run (page set-up and warm-up frames too): divided by every frame.
      mainPerFrame: sum(runs.map((run) => run.mainMs)) / sum(runs.map((run) => run.totalFrames)),
    }
  }
  const base = summarize('no SDK', frameRuns.base)
  const sdk = summarize(`SDK: trackCanvasInteraction ${CALLS_PER_SECOND.toLocaleString('en-US')}/s`, frameRuns.sdk)
  const baseMean = mean(base.runMeans)
  const sdkMean = mean(sdk.runMeans)
  const percentOfBase = (ms) => (ms / baseMean) * 100
  const variance = (values) => sum(values.map((value) => (value - mean(values)) ** 2)) / (values.length - 1)
  // Runs are the unit (frames within a run share its machine state): Student's t for 2 × 3 runs, 4 df.
  const ci = 2.776 * Math.sqrt(variance(base.runMeans) / base.runs + variance(sdk.runMeans) / sdk.runs)
  const abPercent = percentOfBase(sdkMean - baseMean)
  const abCiPercent = percentOfBase(ci)
  const trackNetMs = sdk.trackMean - base.trackMean
  const directPercent = percentOfBase(trackNetMs)
  const signed = (value) => `${value >= 0 ? '+' : ''}${formatNumber(value)}%`
  const verdict = (percent) => (percent < OVERHEAD_GOAL_PERCENT ? 'met' : 'MISSED')

  printTable({
    title:
      `b. Frame time — an 800×600 canvas drawing ${FRAME_SHAPES.toLocaleString('en-US')} shapes (fillRect / arc, varying colours) per rAF frame for ` +
      `${FRAME_SECONDS} s after ${FRAME_WARMUP_SECONDS} s warm-up; ${FRAME_RUNS} runs per variant, interleaved A B / B A / A B, a fresh page each (ms per frame)`,
    columns: [
      'variant',
      'runs',
      'frames',
      'calls/s',
      'calls/frame',
      'script mean',
      'script p95',
      'script mean per run',
      'rAF interval mean',
      'rAF p95',
      'main thread/frame',
    ],
    rows: [base, sdk].map((row) => [
      row.label,
      row.runs,
      row.frames,
      row === base ? undefined : row.callsPerSecond,
      row === base ? undefined : row.callsPerFrame,
      mean(row.runMeans),
      row.scriptP95,
      row.runMeans.map(formatNumber).join(' / '),
      row.intervalMean,
      row.intervalP95,
      row.mainPerFrame,
    ]),
    notes: [
      `script: performance.now() around the rAF callback's work (draw + the tracking calls due), per frame; mean of the run means. This is what the SDK adds to:`,
      `      the canvas records draw calls during the callback and rasterizes them afterwards, outside it.`,
      `rAF interval: the gap between rAF timestamps, the frame rate headless Chromium gave (it may throttle or not); it shows dropped frames, not SDK cost.`,
      `main thread/frame: CDP TaskDuration over the whole run ÷ every frame (set-up, warm-up and rasterization included).`,
      `SDK: after drawing, the calls due at ${CALLS_PER_SECOND.toLocaleString('en-US')}/s since the last frame (~${formatNumber(CALLS_PER_SECOND / 60)} a frame at 60 fps); engine started before timing.`,
    ],
  })

  printTable({
    title: `b (continued). Overhead of trackCanvasInteraction at ${CALLS_PER_SECOND.toLocaleString('en-US')} calls/s — goal: < ${OVERHEAD_GOAL_PERCENT}% of the mean script time per frame (${formatNumber(baseMean)} ms without the SDK)`,
    columns: ['measure', 'added ms/frame', 'overhead', '≈95% CI', 'goal', 'verdict'],
    rows: [
      [
        'A/B: mean script time per frame, SDK − no SDK',
        sdkMean - baseMean,
        signed(abPercent),
        `±${formatNumber(abCiPercent)}%`,
        `< ${OVERHEAD_GOAL_PERCENT}%`,
        Math.abs(abPercent) + abCiPercent < OVERHEAD_GOAL_PERCENT
          ? 'met'
          : abPercent - abCiPercent >= OVERHEAD_GOAL_PERCENT
            ? 'MISSED'
            : 'inconclusive (CI too wide)',
      ],
      [
        'timed in the frame: the tracking calls, net of the clock floor',
        trackNetMs,
        signed(directPercent),
        undefined,
        `< ${OVERHEAD_GOAL_PERCENT}%`,
        verdict(directPercent),
      ],
      [
        '    the same, median frame',
        sdk.trackMedian - base.trackMedian,
        signed(percentOfBase(sdk.trackMedian - base.trackMedian)),
        undefined,
        undefined,
        undefined,
      ],
      [
        '    the same, share of main-thread time per frame',
        trackNetMs,
        signed((trackNetMs / base.mainPerFrame) * 100),
        undefined,
        undefined,
        undefined,
      ],
    ],
    notes: [
      `Both are % of the no-SDK mean script time per frame. The A/B difference carries the run-to-run noise of the machine (no-SDK run means`,
      `      ${base.runMeans.map(formatNumber).join(' / ')} ms); its CI is Student's t over the run means (4 df). The timed row measures only the calls: performance.now()`,
      `      around them in every SDK frame (net ${formatNumber((trackNetMs * 1000) / sdk.callsPerFrame)} µs/call in a frame, vs the hot loop of table a), minus the same two reads with nothing between in the no-SDK`,
      `      frames (${formatNumber(base.trackMean * 1000)} µs, the floor), averaged over ${sdk.frames} frames so the ${formatNumber(clock.clockStepUs)} µs clock step averages out.`,
    ],
  })
}

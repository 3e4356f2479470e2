// Benchmark of @marco/core's EventQueue, the built package as an app imports it: the cost of push() in Node
// and in Chromium, bytes on the wire per event, and heap per queued event. Numbers only, no assertions.
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { EventQueue } from '@marco/core'
import { ROOT, withChromium } from './lib/chromium.mjs'
import { createRandom, createStrokeEvent, createVariedStrokeEvent } from './lib/events.mjs'
import { fillQueue } from './lib/fillQueue.mjs'
import { pushBlocks } from './lib/pushBlocks.mjs'
import { median, quantile, sum } from './lib/stats.mjs'
import { formatNumber, printTable } from './lib/table.mjs'
import { runNodeHeapChild, usedHeap } from './lib/heap.mjs'

const EVENT_COUNT = 100_000
const BLOCK_EVENTS = 1_000
const BATCH_EVENTS = 100
const WARMUP_EVENTS = 20_000
/** Events pushed through the wire measurement: ten batches. */
const WIRE_EVENTS = 1_000
/** The queue's default `maxQueueEvents`: where the overflow path starts. */
const DEFAULT_MAX_QUEUE_EVENTS = 10_000
/** Raised for the heap measurement: the default 5 MiB holds far fewer than 100,000 events of this size. */
const HEAP_MAX_QUEUE_BYTES = 256 * 1024 * 1024
const DEFAULT_MAX_QUEUE_BYTES = 5 * 1024 * 1024
const PUSH_GOAL_US = 1
const MIB = 1024 * 1024

const sent = { send: async () => ({ result: 'sent' }) }
const serverDown = { send: async () => ({ result: 'retry' }) }
const now = () => performance.now()
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0))
/** Busy (non-idle) ms of the event loop since it started: Node clamps `setTimeout(0)` to 1 ms of idle. */
const busyNow = () => performance.eventLoopUtilization().active

if (process.argv.includes('--node-heap')) {
  process.stdout.write(JSON.stringify(await measureNodeHeap()))
} else {
  await main()
}

async function main() {
  const started = now()
  const core = JSON.parse(readFileSync(`${ROOT}packages/core/package.json`, 'utf8'))
  const progress = (message) => process.stderr.write(`  … ${message}\n`)
  // Event-loop utilization reads zero until the loop has turned once.
  await nextTurn()

  progress('Node: push()')
  await warmUpNode()
  const pushRows = [
    await nodePush({ sink: 'EventQueue, storage off', kind: 'queue' }),
    await nodePush({
      sink: `EventQueue, server down, queue full (${DEFAULT_MAX_QUEUE_EVENTS.toLocaleString('en-US')})`,
      kind: 'full',
    }),
    await nodePush({ sink: 'Array#push (harness floor)', kind: 'array' }),
  ]

  progress('Node: bytes on the wire')
  const random = createRandom(42)
  const startMs = Date.UTC(2025, 0, 1)
  const wireRows = [
    await measureWire('as given (identical payloads)', () => createStrokeEvent()),
    await measureWire('varied values (seeded)', (i) => createVariedStrokeEvent(i, random, startMs)),
  ]

  progress('Node: heap (child process with --expose-gc)')
  const nodeHeap = await runNodeHeapChild(fileURLToPath(import.meta.url))

  let chromiumVersion = '?'
  let clock = { crossOriginIsolated: false, clockStepUs: NaN }
  let chromiumHeap
  await withChromium({ entry: 'bench/queue.page.mjs' }, async ({ version, openPage }) => {
    chromiumVersion = version
    for (const variant of [
      { sink: 'EventQueue, IndexedDB', kind: 'queue', storage: true },
      { sink: 'EventQueue, storage off', kind: 'queue', storage: false },
      { sink: 'Array#push (harness floor)', kind: 'array', storage: false },
    ]) {
      progress(`Chromium: push() into ${variant.sink}`)
      const { row, info } = await chromiumPush(openPage, variant)
      clock = info
      pushRows.push(row)
    }
    progress('Chromium: heap')
    chromiumHeap = await measureChromiumHeap(openPage)
  })

  console.log(
    `\nEventQueue benchmark — @marco/core ${core.version} (built dist), Node ${process.version}, Chromium ${chromiumVersion} headless, ` +
      `${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
  )
  printPushTable(pushRows, clock)
  printWireTable(wireRows)
  printHeapTable([nodeHeap, chromiumHeap])
  console.log(`total ${((now() - started) / 1000).toFixed(1)} s`)
}

// ── 1. push() ──────────────────────────────────────────────────────────────────────────────────────────────

async function warmUpNode() {
  const queue = new EventQueue({ storage: false, transport: sent })
  const events = Array.from({ length: WARMUP_EVENTS }, () => createStrokeEvent())
  await pushBlocks({ sink: queue, events, blockSize: BLOCK_EVENTS, now })
  await queue.flush()
  await queue.stop()
}

async function nodePush({ sink: label, kind }) {
  // Built before timing: the benchmark measures push, not object building.
  const events = Array.from({ length: EVENT_COUNT }, () => createStrokeEvent())
  let queue
  let sink
  if (kind === 'array') {
    const list = []
    sink = { push: (event) => list.push(event) }
  } else {
    queue = new EventQueue({ storage: false, transport: kind === 'full' ? serverDown : sent })
    sink = queue
    if (kind === 'full') await fillQueue(queue, { count: DEFAULT_MAX_QUEUE_EVENTS, blockSize: BLOCK_EVENTS })
  }
  const busyStart = busyNow()
  const { pushMs, turnMs, pendingBefore } = await pushBlocks({ sink, events, blockSize: BLOCK_EVENTS, now, busyNow })
  const settleStart = now()
  if (queue) {
    await queue.flush()
    await queue.stop()
  }
  const settleMs = now() - settleStart
  return pushRow({
    where: 'Node',
    sink: label,
    pushMs,
    turnMs,
    pendingBefore,
    mainMs: busyNow() - busyStart,
    settleMs,
    stats: queue?.stats(),
  })
}

async function chromiumPush(openPage, { sink, kind, storage }) {
  const { page, cdp, close } = await openPage()
  try {
    const info = await page.evaluate(() => globalThis.bench.info())
    await page.evaluate((count) => globalThis.bench.warmUp(count), WARMUP_EVENTS)
    await page.evaluate((options) => globalThis.bench.preparePush(options), { sink: kind, storage, count: EVENT_COUNT })
    await cdp.send('Performance.enable')
    const before = await taskSeconds(cdp)
    const result = await page.evaluate((options) => globalThis.bench.runPush(options), { blockSize: BLOCK_EVENTS })
    const mainMs = ((await taskSeconds(cdp)) - before) * 1000
    return { info, row: pushRow({ where: 'Chromium', sink, ...result, mainMs }) }
  } finally {
    await close()
  }
}

/** Main-thread task time of the page's renderer so far, in seconds (JS, IndexedDB dispatch, everything). */
async function taskSeconds(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics')
  return metrics.find((metric) => metric.name === 'TaskDuration').value
}

function pushRow({ where, sink, pushMs, turnMs, pendingBefore, mainMs, settleMs, stats }) {
  const perEventUs = (ms) => (ms * 1000) / BLOCK_EVENTS
  const pushUs = pushMs.map(perEventUs)
  const turnUs = turnMs.map(perEventUs)
  return {
    where,
    sink,
    pushMedianUs: median(pushUs),
    pushP99Us: quantile(pushUs, 0.99),
    turnMedianUs: median(turnUs),
    turnP99Us: quantile(turnUs, 0.99),
    mainUs: (mainMs * 1000) / EVENT_COUNT,
    deferredUs: ((mainMs - sum(pushMs)) * 1000) / EVENT_COUNT,
    sent: stats?.sent,
    dropped: stats?.dropped,
    settleMs: stats ? settleMs : undefined,
    // Blocks that began with the queue at its bound: their pushes run the overflow path.
    fullBlocks: stats ? pendingBefore.filter((pending) => pending >= DEFAULT_MAX_QUEUE_EVENTS).length : undefined,
  }
}

function printPushTable(rows, clock) {
  const goalRows = rows.filter((row) => row.where === 'Chromium' && row.sink.startsWith('EventQueue'))
  printTable({
    title:
      `1. push() — ${EVENT_COUNT.toLocaleString('en-US')} events (10-field payload) in ${EVENT_COUNT / BLOCK_EVENTS} blocks of ${BLOCK_EVENTS.toLocaleString('en-US')}, ` +
      `a setTimeout(0) turn after each; the transport answers 'sent' at once (µs per event)`,
    columns: [
      'where',
      'sink',
      'push med',
      'push p99',
      'turn med',
      'turn p99',
      'main thread',
      'deferred',
      'sent',
      'dropped',
      'full blocks',
      'settle ms',
    ],
    rows: rows.map((row) => [
      row.where,
      row.sink,
      row.pushMedianUs,
      row.pushP99Us,
      row.turnMedianUs,
      row.turnP99Us,
      row.mainUs,
      row.deferredUs,
      row.sent,
      row.dropped,
      row.fullBlocks,
      row.settleMs,
    ]),
    notes: [
      `goal: median push ≤ ${PUSH_GOAL_US} µs/event in Chromium — ` +
        goalRows
          .map(
            (row) =>
              `${row.sink}: ${formatNumber(row.pushMedianUs)} µs (${row.pushMedianUs <= PUSH_GOAL_US ? 'met' : 'MISSED'})`,
          )
          .join('; '),
      `push: wall time of a block of ${BLOCK_EVENTS.toLocaleString('en-US')} push() calls ÷ ${BLOCK_EVENTS.toLocaleString('en-US')}; median and p99 over the blocks; events built before timing.`,
      `turn: the macrotask turn after a block, where the queue's setTimeout(0) ingest runs (validate, JSON, bound, IndexedDB put);`,
      `      Node: busy time (event-loop utilization), Chromium: wall time until the next setTimeout(0) starts.`,
      `main thread: busy time from the first block until flush() and stop() resolved, ÷ ${EVENT_COUNT.toLocaleString('en-US')} (Node: event-loop utilization;`,
      `      Chromium: CDP Performance.getMetrics TaskDuration, which includes IndexedDB request dispatch); deferred = main thread − push.`,
      `full blocks: blocks that began with ${DEFAULT_MAX_QUEUE_EVENTS.toLocaleString('en-US')} events waiting (maxQueueEvents), where push() takes the overflow path.`,
      `settle: wall ms from the last block until flush() and stop() resolved. Node queues: storage off (no IndexedDB in Node).`,
      `Chromium clock: performance.now() step ${formatNumber(clock.clockStepUs)} µs (cross-origin isolated: ${clock.crossOriginIsolated ? 'yes' : 'no'}), ` +
        `i.e. ±${formatNumber(clock.clockStepUs / BLOCK_EVENTS)} µs/event per block; a fresh storageName per run, in an incognito context (in-memory IndexedDB).`,
    ],
  })
}

// ── 2. Bytes on the wire ───────────────────────────────────────────────────────────────────────────────────

async function measureWire(label, createEvent) {
  const bodies = []
  const transport = {
    send: async (_batch, { body }) => {
      bodies.push(body)
      return { result: 'sent' }
    },
  }
  const queue = new EventQueue({ storage: false, maxBatchEvents: BATCH_EVENTS, transport })
  for (let i = 0; i < WIRE_EVENTS; i++) queue.push(createEvent(i))
  await queue.flush()
  await queue.stop()
  const perBody = bodies.map((body) => {
    const { events } = JSON.parse(body)
    const raw = Buffer.byteLength(body)
    return {
      events: events.length,
      raw,
      envelope: raw - Buffer.byteLength(JSON.stringify(events)) + 2,
      gzip: gzipSync(body).length,
      brotli: brotliCompressSync(body).length,
    }
  })
  const mean = (pick) => sum(perBody.map(pick)) / perBody.length
  return {
    label,
    batches: perBody.length,
    eventsPerBatch: mean((b) => b.events),
    bodyBytes: mean((b) => b.raw),
    envelopeBytes: mean((b) => b.envelope),
    rawPerEvent: mean((b) => b.raw / b.events),
    gzipPerEvent: mean((b) => b.gzip / b.events),
    brotliPerEvent: mean((b) => b.brotli / b.events),
  }
}

function printWireTable(rows) {
  printTable({
    title: `2. Bytes on the wire — the body string the transport receives, batches of ${BATCH_EVENTS} events (bytes)`,
    columns: ['values', 'batches', 'events/batch', 'body', 'envelope', 'raw/event', 'gzip/event', 'brotli/event'],
    rows: rows.map((row) => [
      row.label,
      row.batches,
      row.eventsPerBatch,
      row.bodyBytes,
      row.envelopeBytes,
      row.rawPerEvent,
      row.gzipPerEvent,
      row.brotliPerEvent,
    ]),
    notes: [
      'Means over the batches. UTF-8 bytes; gzip at zlib level 6 and brotli at quality 11 (node:zlib defaults) of one whole body ÷ its events.',
      'envelope: the body minus its events (v, sentAt, sdk, dropped counts). Identical payloads flatter compression; the varied row is closer to a session.',
    ],
  })
}

// ── 3. Heap per queued event ───────────────────────────────────────────────────────────────────────────────

/** Runs in a child started with --expose-gc. */
async function measureNodeHeap() {
  const collect = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc()
      await nextTurn()
    }
    return process.memoryUsage().heapUsed
  }
  // Compile the path first, so its code is in the baseline, not in the growth.
  const warm = new EventQueue({ transport: serverDown, storage: false })
  await fillQueue(warm, { count: 5_000, blockSize: BLOCK_EVENTS })
  await warm.stop()
  const queue = new EventQueue({
    transport: serverDown,
    storage: false,
    maxQueueEvents: EVENT_COUNT,
    maxQueueBytes: HEAP_MAX_QUEUE_BYTES,
  })
  const before = await collect()
  const { jsonBytesPerEvent } = await fillQueue(queue, { count: EVENT_COUNT, blockSize: BLOCK_EVENTS })
  const after = await collect()
  const stats = queue.stats()
  await queue.stop()
  return { where: `Node (heapUsed)`, before, after, stats, jsonBytesPerEvent }
}

async function measureChromiumHeap(openPage) {
  const { page, cdp, close } = await openPage()
  try {
    const collect = () => usedHeap(cdp)
    await page.evaluate((count) => globalThis.bench.warmUp(count), 5_000)
    await page.evaluate((options) => globalThis.bench.prepareHeap(options), {
      maxQueueEvents: EVENT_COUNT,
      maxQueueBytes: HEAP_MAX_QUEUE_BYTES,
    })
    const before = await collect()
    const { stats, jsonBytesPerEvent } = await page.evaluate((options) => globalThis.bench.fillHeap(options), {
      count: EVENT_COUNT,
      blockSize: BLOCK_EVENTS,
    })
    const after = await collect()
    await page.evaluate(() => globalThis.bench.stopHeap())
    return { where: 'Chromium (CDP usedSize)', before, after, stats, jsonBytesPerEvent }
  } finally {
    await close()
  }
}

function printHeapTable(rows) {
  const jsonBytes = rows[0].jsonBytesPerEvent
  printTable({
    title: `3. Heap for ${EVENT_COUNT.toLocaleString('en-US')} queued events — server down (every send answers 'retry'), storage off, maxQueueEvents ${EVENT_COUNT.toLocaleString('en-US')}`,
    columns: ['where', 'queued', 'dropped', 'before MiB', 'after MiB', 'growth MiB', 'bytes/event', 'JSON bytes/event'],
    rows: rows.map((row) => [
      row.where,
      row.stats.pending,
      row.stats.dropped,
      row.before / MIB,
      row.after / MIB,
      (row.after - row.before) / MIB,
      (row.after - row.before) / row.stats.pending,
      row.jsonBytesPerEvent,
    ]),
    notes: [
      'Heap used after full GC, before vs after pushing (events built as pushed, not kept) and letting the ingest run; the queue created before "before".',
      `maxQueueBytes raised to ${HEAP_MAX_QUEUE_BYTES / MIB} MiB: the default ${DEFAULT_MAX_QUEUE_BYTES / MIB} MiB holds only ~${Math.floor(DEFAULT_MAX_QUEUE_BYTES / jsonBytes).toLocaleString('en-US')} events of ~${Math.round(jsonBytes)} JSON bytes.`,
    ],
  })
}

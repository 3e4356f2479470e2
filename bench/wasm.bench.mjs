// Benchmark of @marco/wasm-loader, the built package as an app imports it: a ~2 MiB module loaded cold and
// cached in Chromium against plain `WebAssembly.instantiate(await (await fetch(url)).arrayBuffer())`, and
// MemoryPool acquire/release in Node and Chromium. Numbers only, no assertions.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import wabt from 'wabt'
import { ROOT, withChromium } from './lib/chromium.mjs'
import { median, quantile } from './lib/stats.mjs'
import { printTable } from './lib/table.mjs'
import { measurePool } from './wasm.page.mjs'

const RUNS = 7
const FUNCTIONS = 6_400
const MARKER = 'MARCOBENCH000000'
const POOL_ITERATIONS = 1_000_000
const POOL_LENGTH = 1024
const GOAL_COLD_MS = 2000
const GOAL_CACHED_MS = 500

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const started = performance.now()
const pkg = JSON.parse(readFileSync(`${ROOT}packages/wasm-loader/package.json`, 'utf8'))

progress('building the module from WebAssembly text (wabt)')
const template = await buildModule()
const markerAt = Buffer.from(template).indexOf(MARKER)
/**
 * A copy of the module that differs in one data byte per run: no cache (V8's in-process module cache, the
 * HTTP cache, the Cache API) can serve one run's compile to the next.
 */
const variantOf = (run) => {
  const bytes = Buffer.from(template)
  bytes.write(String(run).padStart(6, '0'), markerAt + 10, 'latin1')
  return bytes
}
const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`

const server = await serveModules()
const rows = []
let pool
let chromiumVersion = '?'
try {
  await withChromium({ entry: 'bench/wasm.page.mjs' }, async ({ version, openPage }) => {
    chromiumVersion = version
    const scenarios = [
      {
        label: 'plain: fetch + arrayBuffer() + instantiate',
        path: '/m.wasm',
        run: (page, url) => page.evaluate((url) => globalThis.bench.plain(url), url),
      },
      {
        label: 'plain: instantiateStreaming(fetch())',
        path: '/m.wasm',
        run: (page, url) => page.evaluate((url) => globalThis.bench.plainStreaming(url), url),
      },
      {
        label: 'WasmLoader: streaming, no integrity, cache off',
        path: '/m.wasm',
        run: (page, url) => page.evaluate((url) => globalThis.bench.loader(url, { cache: false }), url),
      },
      {
        label: 'WasmLoader: integrity + Cache API, first visit',
        path: '/m.wasm',
        run: (page, url, integrity) =>
          page.evaluate(([url, integrity]) => globalThis.bench.loader(url, { integrity }), [url, integrity]),
      },
    ]
    let run = 0
    for (const scenario of scenarios) {
      progress(`Chromium: ${scenario.label}`)
      const samples = []
      for (let i = 0; i < RUNS; i++) {
        const v = ++run
        const { page, close } = await openPage()
        try {
          samples.push(await scenario.run(page, `${server.origin}${scenario.path}?v=${v}`, sri(variantOf(v))))
        } finally {
          await close()
        }
      }
      rows.push(summarize(scenario.label, samples))
    }

    // Repeat visits: a first page fills the caches, a second page of the same profile is measured.
    for (const repeat of [
      { label: 'WasmLoader: integrity + Cache API, repeat visit', path: '/m.wasm', load: 'loader' },
      { label: 'plain: fetch + arrayBuffer(), HTTP-cached, repeat visit', path: '/cacheable.wasm', load: 'plain' },
    ]) {
      progress(`Chromium: ${repeat.label}`)
      const samples = []
      for (let i = 0; i < RUNS; i++) {
        const v = ++run
        const url = `${server.origin}${repeat.path}?v=${v}`
        const integrity = sri(variantOf(v))
        const first = await openPage()
        const call = (page) =>
          repeat.load === 'loader'
            ? page.evaluate(([url, integrity]) => globalThis.bench.loader(url, { integrity }), [url, integrity])
            : page.evaluate((url) => globalThis.bench.plain(url), url)
        await call(first.page)
        const before = server.requests
        // A second page in the same browser context: same Cache API and HTTP cache, a fresh document.
        const second = await first.page.context().newPage()
        await second.goto(first.page.url())
        await second.waitForFunction(() => globalThis.benchReady === true)
        samples.push({ ...(await call(second)), requests: server.requests - before })
        await first.close()
      }
      rows.push(summarize(repeat.label, samples))
    }

    progress('Chromium: MemoryPool')
    const { page, close } = await openPage()
    try {
      const chromiumPool = await page.evaluate((options) => globalThis.bench.pool(options), {
        iterations: POOL_ITERATIONS,
        length: POOL_LENGTH,
      })
      progress('Node: MemoryPool')
      pool = [
        { where: 'Node', ...measurePool({ iterations: POOL_ITERATIONS, length: POOL_LENGTH }) },
        { where: 'Chromium', ...chromiumPool },
      ]
    } finally {
      await close()
    }
  })
} finally {
  await server.close()
}

console.log(
  `\nWasmLoader benchmark — @marco/wasm-loader ${pkg.version} (built dist), Node ${process.version}, Chromium ${chromiumVersion} headless, ` +
    `${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
)
printTable({
  title: `1. Loading a ${(template.length / 1024 / 1024).toFixed(2)} MiB module (${FUNCTIONS.toLocaleString('en-US')} functions) from 127.0.0.1 in Chromium — median of ${RUNS} runs (and p90 of the total), ms`,
  columns: [
    'load',
    'fetch',
    'verify',
    'compile',
    'instantiate',
    'total',
    'total p90',
    'network requests',
    'cache hit',
    'streaming',
  ],
  rows: rows.map((row) => [
    row.label,
    row.fetchMs,
    row.verifyMs,
    row.compileMs,
    row.instantiateMs,
    row.totalMs,
    row.totalP90,
    row.requests,
    row.cacheHit,
    row.streaming,
  ]),
  notes: [
    `goals (the plan): initial load < ${GOAL_COLD_MS} ms, repeat load < ${GOAL_CACHED_MS} ms — ` +
      rows
        .filter((row) => row.label.startsWith('WasmLoader: integrity'))
        .map(
          (row) =>
            `${row.label.split(', ').pop()}: ${Math.round(row.totalMs)} ms (${row.totalMs < (row.label.includes('repeat') ? GOAL_CACHED_MS : GOAL_COLD_MS) ? 'met' : 'MISSED'})`,
        )
        .join('; '),
    'Each run loads a copy differing in one data byte, in a fresh browser context, so no cache carries over between runs.',
    'Streaming rows: "fetch" is until the response headers; the download then overlaps "compile" (and plain instantiateStreaming has only a total).',
    'total: WasmLoader profile.totalMs (performance.now() around the whole load, including cache reads); plain rows time the same span in the page.',
    "Repeat visit: a second page of the same browser context; network requests counted at the server during that page's load.",
    'Served without compression and with cache-control: no-store (the HTTP-cached row: max-age=3600).',
  ],
})
printTable({
  title: `2. MemoryPool scratch arrays — Float32Array(${POOL_LENGTH}) per "frame", ${POOL_ITERATIONS.toLocaleString('en-US')} iterations (ns per iteration)`,
  columns: ['where', 'acquire + release', 'debug checks on', 'new Float32Array', 'pool allocations'],
  rows: pool.map((row) => [row.where, row.pooledNs, row.debugNs, row.allocNs, row.allocations]),
  notes: [
    'acquire + release: production mode (debug off), after 10,000 warm-up iterations; pool allocations = views the pool ever created (1: reused every frame).',
    `debug checks on: poison fill on release + poison check on acquire (${POOL_ITERATIONS / 100} iterations), O(length) — development builds only.`,
    'new Float32Array: allocating a fresh zeroed array each frame instead (GC pressure not shown in the number).',
  ],
})
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

function summarize(label, samples) {
  const pick = (key) => {
    const values = samples.map((sample) => sample[key]).filter((value) => typeof value === 'number')
    return values.length ? median(values) : undefined
  }
  const totals = samples.map((sample) => sample.totalMs)
  const flag = (key) =>
    samples.every((sample) => sample[key] === undefined)
      ? undefined
      : `${samples.filter((sample) => sample[key]).length}/${samples.length}`
  return {
    label,
    fetchMs: pick('fetchMs'),
    verifyMs: pick('verifyMs'),
    compileMs: pick('compileMs'),
    instantiateMs: pick('instantiateMs'),
    totalMs: median(totals),
    totalP90: quantile(totals, 0.9),
    requests: pick('requests'),
    cacheHit: flag('cacheHit'),
    streaming: flag('streaming'),
  }
}

async function buildModule() {
  const functions = []
  for (let i = 0; i < FUNCTIONS; i++) {
    let body = 'local.get 0'
    for (let k = 0; k < 40; k++)
      body += ` i32.const ${((i * 40 + k) * 2654435761) % 100000} i32.add i32.const ${k + 3} i32.mul`
    functions.push(`(func (export "f${i}") (param i32) (result i32) ${body})`)
  }
  const module = (await wabt()).parseWat(
    'bench.wat',
    `(module (memory 1) ${functions.join('\n')} (data (i32.const 0) "${MARKER}"))`,
  )
  try {
    return new Uint8Array(module.toBinary({}).buffer)
  } finally {
    module.destroy()
  }
}

/** Serves the module variants on their own port, with the CORS and CORP headers the isolated bench page needs. */
async function serveModules() {
  const state = { requests: 0 }
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const cors = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' }
    if (url.pathname !== '/m.wasm' && url.pathname !== '/cacheable.wasm') return void res.writeHead(404, cors).end()
    state.requests++
    res
      .writeHead(200, {
        ...cors,
        'content-type': 'application/wasm',
        'cache-control': url.pathname === '/m.wasm' ? 'no-store' : 'max-age=3600',
      })
      .end(variantOf(Number(url.searchParams.get('v'))))
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  http.unref()
  return {
    origin: `http://127.0.0.1:${http.address().port}`,
    get requests() {
      return state.requests
    },
    close: () => new Promise((resolve) => (http.closeAllConnections(), http.close(() => resolve()))),
  }
}

// Benchmark of apps/collector, the built server (`pnpm --filter @marco/collector run build` first): events
// stored per second when many clients POST SDK batches at once. The collector runs as its own Node process
// (as in production), with a fresh temp SQLite file; this process is the load: keep-alive HTTP clients on
// 127.0.0.1 posting prebuilt 100-event batches. Numbers only, no assertions.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { availableParallelism, tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { createRandom, createVariedStrokeEvent } from './lib/events.mjs'
import { median, quantile } from './lib/stats.mjs'
import { printTable } from './lib/table.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// COLLECTOR_MAIN runs another build (to compare two versions on the same machine).
const MAIN = process.env.COLLECTOR_MAIN ?? `${ROOT}apps/collector/dist/main.mjs`
// The collector's own better-sqlite3, to count what it stored.
const Database = createRequire(`${ROOT}apps/collector/package.json`)('better-sqlite3')
const BATCH_EVENTS = 100
/** Each run stops at this many batches or this much time, whichever comes first. */
const MAX_BATCHES = 2_000
const MAX_RUN_MS = 20_000
/** Run as a child process: builds the hostile body, POSTs it 16 times at once, prints the statuses and the time. */
const HOSTILE_CLIENT = `
  const url = process.argv[1]
  const body = JSON.stringify({ v: 1, sentAt: 0, sdk: { name: '@marco/core', version: '0.1.0' }, dropped: [], events: Array.from({ length: 330000 }, () => ({})) })
  console.log('sending')
  const t0 = performance.now()
  const statuses = await Promise.all(Array.from({ length: 16 }, async () => {
    const response = await fetch(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body })
    await response.arrayBuffer()
    return response.status
  }))
  console.log(JSON.stringify({ statuses, allMs: performance.now() - t0 }))
`

const RUNS = [
  { label: '50 clients, new events', clients: 50, kind: 'fresh' },
  { label: '10 clients, new events', clients: 10, kind: 'fresh' },
  { label: '1 client, new events', clients: 1, kind: 'fresh' },
  { label: '50 clients, retried batches (all duplicates)', clients: 50, kind: 'duplicate' },
]

if (!existsSync(MAIN)) {
  console.error('bench/collector: build the collector first: pnpm --filter @marco/collector run build')
  process.exit(2)
}

const progress = (message) => process.stderr.write(`  … ${message}\n`)
const started = performance.now()
const random = createRandom(42)
const rows = []
for (const run of RUNS) {
  progress(run.label)
  rows.push(await measure(run))
}
console.log(
  `\nCollector ingest benchmark — apps/collector (built dist), Node ${process.version}, ${availableParallelism()} CPUs, ${process.platform}/${process.arch}\n`,
)
printTable({
  title: `Events stored per second — clients POST ${BATCH_EVENTS}-event SDK batches (text/plain, ~${Math.round(rows[0].bodyBytes / 1024)} KiB) back to back over keep-alive HTTP`,
  columns: [
    'run',
    'batches',
    'events',
    'stored',
    'seconds',
    'events/s',
    'batches/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-200',
    'db MiB',
  ],
  rows: rows.map((row) => [
    row.label,
    row.batches,
    row.events,
    row.stored,
    row.seconds,
    row.events / row.seconds,
    row.batches / row.seconds,
    row.p50,
    row.p99,
    row.max,
    row.failures,
    row.dbMiB,
  ]),
  notes: [
    `Each run: a fresh collector process (--rate-limit off) and temp database; stops after ${MAX_BATCHES.toLocaleString('en-US')} batches or ${MAX_RUN_MS / 1000} s.`,
    'Per batch the collector validates the body against batch.v1.json (Ajv), then stores its events in one SQLite transaction (WAL, synchronous=NORMAL).',
    'events/s: events acknowledged ÷ wall time from the first request to the last answer; stored: rows in the events table afterwards.',
    'p50/p99/max: request latency seen by the clients. Load generator and collector share the machine’s cores.',
  ],
})
progress('hostile batches: 16 × 330,000 empty events in parallel, /healthz polled')
const hostile = await measureHostile()
printTable({
  title:
    'Hostile load — 16 parallel ~990 KB batches of 330,000 empty events each, while /healthz is polled back to back',
  columns: [
    'run',
    'hostile requests',
    'answers',
    'all hostile answered in ms',
    'healthz polls',
    'healthz p50 ms',
    'healthz max ms',
    'collector RSS MiB after',
  ],
  rows: [
    [
      '16 hostile batches',
      hostile.requests,
      hostile.statuses,
      hostile.allMs,
      hostile.polls,
      hostile.healthP50,
      hostile.healthMax,
      hostile.rssMiB,
    ],
  ],
  notes: [
    'Each hostile batch is refused before schema validation (413 too_many_events: at most 1,000 events per batch), so validation work per request is bounded.',
    'The 16 requests come from a separate client process; healthz: latency of each /healthz answer (a real SQLite write probe) polled back to back from the bench process while that client sends and until it has every answer.',
  ],
})
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`)

async function measureHostile() {
  const dir = mkdtempSync(join(tmpdir(), 'marco-collector-bench-'))
  const server = await startServer(join(dir, 'collector.db'))
  const agent = new Agent({ keepAlive: true, maxSockets: 32 })
  try {
    // The hostile client is its own process, so sending 16 MB does not delay this process's /healthz polls.
    const attacker = spawn(process.execPath, ['--input-type=module', '-e', HOSTILE_CLIENT, server.url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    attacker.stdout.on('data', (chunk) => (out += chunk))
    const finished = new Promise((resolve) => attacker.once('exit', resolve))
    const health = []
    let done = false
    void finished.then(() => (done = true))
    while (!done) {
      const s = performance.now()
      await get(`${server.url}/healthz`, agent)
      // Counted from the moment the client starts sending (it builds its 990 KB body first).
      if (out.startsWith('sending')) health.push(performance.now() - s)
    }
    const { statuses, allMs } = JSON.parse(out.slice(out.indexOf('\n') + 1))
    const rss = await get(`${server.url}/healthz`, agent).then(() => server.rssMiB())
    const counts = {}
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1
    return {
      requests: statuses.length,
      statuses: Object.entries(counts)
        .map(([status, n]) => `${n}× ${status}`)
        .join(', '),
      allMs,
      polls: health.length,
      healthP50: median(health),
      healthMax: health.reduce((max, ms) => Math.max(max, ms), 0),
      rssMiB: rss,
    }
  } finally {
    agent.destroy()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

function get(url, agent) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end()
  })
}

async function measure({ label, clients, kind }) {
  const dir = mkdtempSync(join(tmpdir(), 'marco-collector-bench-'))
  const dbPath = join(dir, 'collector.db')
  const server = await startServer(dbPath)
  const agent = new Agent({ keepAlive: true, maxSockets: clients })
  try {
    // Bodies built before timing: the benchmark measures the collector, not JSON building here.
    const startMs = Date.UTC(2025, 0, 1)
    const makeBody = (b) =>
      JSON.stringify({
        v: 1,
        sentAt: startMs,
        sdk: { name: '@marco/core', version: '0.1.0' },
        dropped: [],
        events: Array.from({ length: BATCH_EVENTS }, (_, i) =>
          createVariedStrokeEvent(b * BATCH_EVENTS + i, random, startMs),
        ),
      })
    const bodies = kind === 'duplicate' ? [makeBody(0)] : Array.from({ length: MAX_BATCHES }, (_, b) => makeBody(b))
    if (kind === 'duplicate') await post(server.url, agent, bodies[0])
    // Warm-up: a few batches through the same path (JIT, statement cache) that are not counted.
    const warm = Array.from({ length: 20 }, (_, b) => makeBody(MAX_BATCHES + b))
    await Promise.all(warm.map((body) => post(server.url, agent, body)))

    const latencies = []
    let next = 0
    let failures = 0
    let events = 0
    const t0 = performance.now()
    const deadline = t0 + MAX_RUN_MS
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < MAX_BATCHES && performance.now() < deadline) {
          const body = bodies[kind === 'duplicate' ? 0 : next]
          next++
          const s = performance.now()
          const status = await post(server.url, agent, body)
          latencies.push(performance.now() - s)
          if (status === 200) events += BATCH_EVENTS
          else failures++
        }
      }),
    )
    const seconds = (performance.now() - t0) / 1000
    await server.stop()
    const db = new Database(dbPath, { readonly: true })
    const stored =
      db.prepare('SELECT count(*) AS n FROM events').get().n -
      (kind === 'duplicate' ? BATCH_EVENTS : 0) -
      warm.length * BATCH_EVENTS
    db.close()
    return {
      label,
      batches: latencies.length,
      events,
      stored,
      seconds,
      p50: median(latencies),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      failures,
      bodyBytes: Buffer.byteLength(bodies[0]),
      dbMiB: statSync(dbPath).size / 1024 / 1024,
    }
  } finally {
    agent.destroy()
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Starts `node apps/collector/dist/main.mjs` on a free port; resolves once it listens. */
function startServer(dbPath) {
  const child = spawn(process.execPath, [MAIN, '--port', '0', '--db', dbPath, '--rate-limit', 'off'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stopped
  const stop = () =>
    (stopped ??= new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    }))
  return new Promise((resolve, reject) => {
    let out = ''
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the collector exited with ${code}: ${out}`)))
    child.stdout.on('data', (chunk) => {
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve({ url: match[1], stop, rssMiB: () => rssMiB(child.pid) })
    })
  })
}

/** Resident memory of a process, from /proc (Linux), MiB; null elsewhere. */
function rssMiB(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
    return kb / 1024
  } catch {
    return null
  }
}

function post(url, agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/batch`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

// The page of the Chromium tests, served under `script-src 'self'; worker-src 'self'`: the pool and wrap()
// against /worker.js, a blob: worker (which the CSP must refuse), and the analytics sink.
import { createId, EventQueue, type EventQueueOptions, type SdkEvent } from '@marco/core'
import { createSharedState, type SharedState } from './createSharedState'
import { createWorkerSink } from './createWorkerSink'
import { transfer } from './transfer'
import { wrap } from './wrap'
import { WorkerPool } from './WorkerPool'
import type { chromiumWorkerApi } from './workers.chromium.worker'

async function pool() {
  const pool = new WorkerPool({ url: '/worker.js', size: 2 })
  try {
    const sums = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.run<number>('add', [i, 1])))
    const where = await pool.run<string>('where')
    return { sums, where, stats: pool.stats() }
  } finally {
    pool.terminate()
  }
}

async function rpc() {
  const worker = new Worker('/worker.js', { type: 'module' })
  const remote = wrap<typeof chromiumWorkerApi>(worker)
  try {
    const bytes = new Uint8Array(1 << 16).fill(2)
    const sum = await remote.sum(transfer(bytes.buffer, [bytes.buffer]))
    const filled = await remote.fill(4)
    const error = await remote.fail('boom').then(
      () => undefined,
      (caught: Error) => ({
        isError: caught instanceof Error,
        name: caught.name,
        message: caught.message,
        stack: caught.stack,
      }),
    )
    return { sum, detached: bytes.byteLength, filled: [...filled], error }
  } finally {
    worker.terminate()
  }
}

/** Tries a worker from a blob: URL, which the page's CSP forbids. */
function blobWorker(): Promise<string> {
  return new Promise((resolve) => {
    try {
      const url = URL.createObjectURL(new Blob(['postMessage("ran")'], { type: 'text/javascript' }))
      const worker = new Worker(url)
      worker.addEventListener('message', () => resolve('ran'))
      worker.addEventListener('error', () => resolve('blocked'))
    } catch (error) {
      resolve(`blocked: ${(error as Error).name}`)
    }
  })
}

let fallbackCreated = false

/**
 * Starts an analytics sink whose worker is `url` and pushes `count` events into it. `queue`: options of the
 * worker's queue over the defaults (a storage name shared with the origin's next page, a slower retry).
 */
async function analytics(url: string, count: number, queue: Partial<EventQueueOptions> = {}) {
  const queueOptions = {
    endpoint: '/v1/batch',
    storageName: `marco-worker-test-${createId()}`,
    retryBaseMs: 100,
    retryMaxMs: 300,
    ...queue,
  }
  const sink = createWorkerSink({
    url,
    queue: queueOptions,
    maxBatchEvents: 50,
    fallback: () => {
      fallbackCreated = true
      return new EventQueue(queueOptions)
    },
  })
  Object.assign(window, { marcoSink: sink })
  // As the runtime does once consent is granted: the worker starts and takes up what earlier pages stored.
  sink.open()
  return analyticsPush(count)
}

/** Pushes `count` more events into the sink `analytics()` started. */
function analyticsPush(count: number) {
  const sink = (window as unknown as { marcoSink: ReturnType<typeof createWorkerSink> }).marcoSink
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const event: SdkEvent = {
      id: createId(),
      type: 'track',
      category: 'analytics',
      ts: Date.now(),
      sessionId: 's-1',
      payload: { name: 'stroke', i },
    }
    ids.push(event.id)
    sink.push(event)
  }
  return { ids }
}

async function analyticsFlush() {
  const sink = (window as unknown as { marcoSink: ReturnType<typeof createWorkerSink> }).marcoSink
  const result = await sink.flush()
  return { result, stats: sink.stats(), fallbackCreated }
}

let shared: SharedState<Record<string, unknown>> | undefined

/** Joins the origin's shared canvas state (once per page) and writes `patch` to it; returns the state. */
function sharedState(patch: Record<string, unknown> = {}) {
  shared ??= createSharedState('canvas', { tool: 'pen', zoom: 1 })
  if (Object.keys(patch).length) shared.set(patch)
  return shared.get()
}

Object.assign(window, {
  marcoWorkers: { pool, rpc, blobWorker, analytics, analyticsPush, analyticsFlush, sharedState },
})

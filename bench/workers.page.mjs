// The in-page half of workers.bench.mjs, and its workers: the same bundle runs as the page (no `role`) and,
// started as `/bench.js?role=…`, as each benchmark worker. Bundled by esbuild from the built packages.
import * as Comlink from 'comlink'
import { EventQueue } from '@marco/core'
import { createWorkerSink, expose, startAnalyticsWorker, transfer, wrap } from '@marco/workers'
import { createStrokeEvent } from './lib/events.mjs'
import { pageInfo } from './lib/pageInfo.mjs'
import { resetTimerNesting } from './lib/resetTimerNesting.mjs'
import { pushBlocks } from './lib/pushBlocks.mjs'

const now = () => performance.now()
const role = new URLSearchParams(globalThis.location?.search ?? '').get('role')
const api = {
  add: (a, b) => a + b,
  size: (buffer) => buffer.byteLength,
}

if (role === 'marco') expose(api)
else if (role === 'comlink') Comlink.expose(api)
// The floor: one postMessage each way, no protocol.
else if (role === 'raw') globalThis.addEventListener('message', (event) => globalThis.postMessage(event.data))
else if (role === 'analytics') startAnalyticsWorker()
else if (!role) startPage()

function startWorker(role) {
  return new Worker(`/bench.js?role=${role}`, { type: 'module' })
}

/** A message-channel hop: a timer scheduled from five nested timers is clamped to 4 ms (see queue.page.mjs). */
function startPage() {
  let current

  globalThis.bench = {
    info: () => ({ ...pageInfo(), comlink: typeof Comlink.wrap === 'function' }),

    /** Sequential round trips of `add(1, 2)`; µs per call, after `warmup` untimed calls. */
    async roundTrip({ kind, calls, warmup }) {
      const worker = startWorker(kind === 'raw' ? 'raw' : kind)
      let call
      if (kind === 'marco') {
        const remote = wrap(worker)
        call = () => remote.add(1, 2)
      } else if (kind === 'comlink') {
        const remote = Comlink.wrap(worker)
        call = () => remote.add(1, 2)
      } else {
        let waiting
        worker.addEventListener('message', (event) => waiting(event.data))
        call = () =>
          new Promise((resolve) => {
            waiting = resolve
            worker.postMessage([1, 2])
          })
      }
      try {
        for (let i = 0; i < warmup; i++) await call()
        const samples = []
        for (let i = 0; i < calls; i++) {
          const t0 = now()
          await call()
          samples.push((now() - t0) * 1000)
        }
        return samples
      } finally {
        worker.terminate()
      }
    },

    /** `count` calls each sending a fresh `bytes` buffer, copied or transferred; ms per call. */
    async throughput({ moveIt, count, bytes, warmup }) {
      const worker = startWorker('marco')
      const remote = wrap(worker)
      try {
        const buffers = Array.from({ length: count + warmup }, (_, i) => new Uint8Array(bytes).fill(i & 0xff).buffer)
        const send = (buffer) => remote.size(moveIt ? transfer(buffer, [buffer]) : buffer)
        for (let i = 0; i < warmup; i++) await send(buffers[i])
        const samples = []
        for (let i = warmup; i < buffers.length; i++) {
          const t0 = now()
          const size = await send(buffers[i])
          samples.push(now() - t0)
          if (size !== bytes) throw new Error(`worker saw ${size} bytes`)
        }
        const detached = buffers[warmup].byteLength === 0
        return { samples, detached }
      } finally {
        worker.terminate()
      }
    },

    /**
     * A sink for the analytics measurement: the worker sink (its EventQueue in a worker) or an EventQueue
     * on the main thread, both posting to the bench server, both with IndexedDB. Warmed up (worker started,
     * database open) before the measured run.
     */
    async prepareAnalytics({ mode, count, storageName }) {
      const queueOptions = { endpoint: '/v1/batch', storageName }
      const sink =
        mode === 'worker'
          ? createWorkerSink({
              url: '/bench.js?role=analytics',
              queue: queueOptions,
              fallback: () => new EventQueue(queueOptions),
            })
          : new EventQueue(queueOptions)
      for (let i = 0; i < 100; i++) sink.push(createStrokeEvent())
      await sink.flush()
      if (mode === 'main')
        while (sink.stats().storage === 'opening') await new Promise((resolve) => setTimeout(resolve, 5))
      const events = Array.from({ length: count }, () => createStrokeEvent())
      current = { sink, events }
      return { mode: mode === 'worker' ? sink.stats().mode : sink.stats().storage }
    },

    async runAnalytics({ blockSize }) {
      const { sink, events } = current
      const started = now()
      const { pushMs, turnMs } = await pushBlocks({ sink, events, blockSize, now, afterTurn: resetTimerNesting })
      const flushed = await sink.flush()
      const wallMs = now() - started
      const stats = sink.stats()
      await sink.stop()
      current = undefined
      return { pushMs, turnMs, wallMs, flushed, stats }
    },
  }

  globalThis.benchReady = true
}

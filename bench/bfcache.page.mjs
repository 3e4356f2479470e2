// The page of bench/bfcache.bench.mjs: the SDK's queue as an app sets it up, on the main thread (`?setup=queue`)
// or in the analytics worker (`?setup=worker`), its events on IndexedDB under one storage name for the origin.
import { createId, EventQueue } from '@marco/core'
import { createWorkerSink } from '@marco/workers'

const setup = new URLSearchParams(location.search).get('setup')
const options = { endpoint: `${location.origin}/v1/batch`, storageName: 'marco-bench-bfcache' }
const queue =
  setup === 'worker'
    ? createWorkerSink({ url: '/analytics-worker.js', queue: options, fallback: () => new EventQueue(options) })
    : new EventQueue(options)
queue.open?.()

Object.assign(globalThis, {
  benchReady: true,
  /** Pushes one event and resolves once it is delivered; `mode` is the worker sink's (`worker` when it runs). */
  async sendOne() {
    queue.push({ id: createId(), type: 'track', category: 'analytics', ts: Date.now(), sessionId: 's', payload: {} })
    const result = await queue.flush()
    return { sent: result?.sent ?? 0, mode: queue.stats().mode ?? 'main thread' }
  },
})

// The page of bench/bfcache.bench.mjs, set up as an app would, its events on IndexedDB under one storage name for
// the origin: `?setup=queue` an `EventQueue` on the main thread, `?setup=worker` the analytics worker's sink,
// `?setup=client` the runtime with every feature a page runs (analytics, crash, performance, CSP, experiments),
// `?setup=client-worker` the same with its events going through the analytics worker, `?setup=session` a
// `SessionManager` that gets a token at start.
import { AnalyticsEngine } from '@marco/analytics'
import { createId, EventQueue } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'
import { Experiments } from '@marco/experiments'
import { PerformanceAnalytics } from '@marco/performance-analytics'
import { createMarcoClient } from '@marco/runtime'
import { CspReporting, SessionManager } from '@marco/security'
import { createWorkerSink } from '@marco/workers'

const setup = new URLSearchParams(location.search).get('setup')
const options = { endpoint: `${location.origin}/v1/batch`, storageName: 'marco-bench-bfcache' }
const event = () => ({
  id: createId(),
  type: 'track',
  category: 'analytics',
  ts: Date.now(),
  sessionId: 's',
  payload: {},
})
let sendOne
const workerSink = () =>
  createWorkerSink({ url: '/analytics-worker.js', queue: options, fallback: () => new EventQueue(options) })
if (setup === 'client' || setup === 'client-worker') {
  const analytics = new AnalyticsEngine()
  const sink = setup === 'client-worker' ? workerSink() : undefined
  const client = createMarcoClient({
    endpoint: options.endpoint,
    queue: { storageName: options.storageName },
    sink,
    consent: { defaults: { analytics: 'granted', crash: 'granted', performance: 'granted' } },
    features: [analytics, new CrashReporter(), new PerformanceAnalytics(), new CspReporting(), new Experiments()],
  }).start()
  sendOne = async () => {
    analytics.track('bench')
    return { sent: (await client.flush())?.sent ?? 0, mode: sink?.stats().mode ?? 'main thread' }
  }
} else if (setup === 'session') {
  // A session shared by the origin's tabs: each page gets a token at start (from the refresh cookie, as after a
  // reload), which it posts to the others on the session channel.
  const session = new SessionManager({ refresh: async () => unsignedJwt(Date.now() / 1000 + 3600) })
  sendOne = async () => ({ sent: (await session.getToken()) ? 1 : 0, mode: 'main thread' })
} else {
  const queue = setup === 'worker' ? workerSink() : new EventQueue(options)
  queue.open?.()
  sendOne = async () => {
    queue.push(event())
    const result = await queue.flush()
    return { sent: result?.sent ?? 0, mode: queue.stats().mode ?? 'main thread' }
  }
}

/** A token the session decodes (no `verify`): only its expiry is read. */
function unsignedJwt(exp) {
  const part = (value) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
  return `${part({ alg: 'none' })}.${part({ exp, sub: createId() })}.`
}

/** Pushes one event and resolves once it is delivered; `mode` is the worker sink's (`worker` when it runs). */
Object.assign(globalThis, { benchReady: true, sendOne })

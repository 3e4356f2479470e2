// The workers' script-tag bundle (`dist/marco-workers.min.js`), for pages without a bundler, next to the runtime's
// `marco.min.js`: one global, `MarcoWorkers`. `createWorkerSink` is the runtime's `sink` for a page whose events go
// through the analytics worker (whose own script, `dist/analytics-worker.mjs`, the page serves from its origin, as
// every worker script must be); the rest is worker RPC an app calls itself. Kept out of `marco.min.js`, which
// carries only what every page of the runtime runs.
export { createSharedState, createWorkerSink, expose, WorkerPool, wrap } from './index'

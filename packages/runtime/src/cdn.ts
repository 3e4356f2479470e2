// The script-tag bundle (`dist/marco.min.js`): the runtime and every feature as ONE global, `Marco`, for
// pages without a bundler: <script src="…/marco.min.js" integrity="sha384-…" nonce="…"></script>.
export { createMarcoClient, MarcoRuntime, lazy, SDK_VERSION } from './index'
export { Consent, EventQueue } from '@marco/core'
export { AnalyticsEngine } from '@marco/analytics'
export { CrashReporter } from '@marco/crash-reporter'
export { PerformanceAnalytics } from '@marco/performance-analytics'
export { WasmLoader, MemoryPool } from '@marco/wasm-loader'
export { createWorkerSink, WorkerPool, wrap, expose } from '@marco/workers'
export { CspReporting } from '@marco/security'

// The script-tag bundle (`dist/marco.min.js`): the runtime and every feature as ONE global, `Marco`, for
// pages without a bundler: <script src="…/marco.min.js" integrity="sha384-…" nonce="…"></script>.
// Runtime features only: `MemoryPool` and the workers (`createWorkerSink`, worker RPC) are libraries an app calls
// itself, imported from their packages or, without a bundler, from `@marco/workers`' own `marco-workers.min.js`.
export { createMarcoClient, MarcoRuntime, lazy, SDK_VERSION } from './index'
export { Consent, EventQueue } from '@marco/core'
export { AnalyticsEngine } from '@marco/analytics'
export { CrashReporter } from '@marco/crash-reporter'
export { PerformanceAnalytics } from '@marco/performance-analytics'
export { WasmLoader } from '@marco/wasm-loader'
export { CspReporting } from '@marco/security'
export { Experiments, defineExperiment } from '@marco/experiments'

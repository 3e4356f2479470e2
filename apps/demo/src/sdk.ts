import { AnalyticsEngine } from '@marco/analytics'
import { EventQueue, type ConsentCategory, type ConsentSnapshot, type EventQueueOptions } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'
import { PerformanceAnalytics } from '@marco/performance-analytics'
import { defineExperiment, Experiments } from '@marco/experiments'
import { createMarcoClient, SDK_VERSION, type MarcoRuntime } from '@marco/runtime'
import { CspReporting, type ScriptUrlPolicy } from '@marco/security'
import { WasmLoader } from '@marco/wasm-loader'
import { createWorkerSink, type WorkerSink } from '@marco/workers'

/** What the user chose in the consent banner; stored only once they chose. */
export type ConsentChoice = 'all' | 'crash' | 'none'

export const CONSENT_STORAGE_KEY = 'marco-demo-consent'
const ENDPOINT = '/v1/batch'
/** One IndexedDB store for the worker's queue and the fallback, so the fallback adopts what the worker kept. */
const STORAGE_NAME = 'marco-demo-events'

export const CHOICES: Record<ConsentChoice, ConsentSnapshot> = {
  all: { analytics: 'granted', crash: 'granted', performance: 'granted' },
  crash: { analytics: 'denied', crash: 'granted', performance: 'denied' },
  none: { analytics: 'denied', crash: 'denied', performance: 'denied' },
}

export function readStoredChoice(): ConsentChoice | undefined {
  try {
    const value = localStorage.getItem(CONSENT_STORAGE_KEY)
    return value === 'all' || value === 'crash' || value === 'none' ? value : undefined
  } catch {
    return undefined // storage blocked: ask again
  }
}

/** The demo's experiment: half the sessions draw strokes as they came, without the wasm smoother. */
export const STROKE_SMOOTHING = defineExperiment({ key: 'stroke-smoothing', variants: ['on', 'off'], weights: [1, 1] })

/**
 * The id experiments hash: the analytics user id after `identify`, else its anonymous id, as the analytics
 * engine stores them (only with analytics consent; before it there is none and every experiment answers
 * its control). The engine has no public accessor for its ids yet.
 */
function analyticsId(): string | undefined {
  try {
    const state = JSON.parse(localStorage.getItem('marco_analytics') ?? 'null') as {
      aid?: unknown
      uid?: unknown
    } | null
    const id = state?.uid ?? state?.aid
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

export interface Sdk {
  readonly client: MarcoRuntime
  readonly experiments: Experiments<readonly [typeof STROKE_SMOOTHING]>
  readonly sink: WorkerSink
  readonly analytics: AnalyticsEngine
  readonly crash: CrashReporter
  readonly perf: PerformanceAnalytics
  readonly wasm: WasmLoader
  readonly csp: CspReporting
  /** Applies a banner choice to the one consent state and persists it. */
  choose(choice: ConsentChoice): void
}

/**
 * The whole SDK through `@marco/runtime`: one client, one consent state, and the delivery pipeline in the
 * analytics worker (`@marco/workers/analytics-worker`, started from its hashed same-origin URL through the
 * `marco` Trusted Types policy), with a main-thread `EventQueue` as the fallback.
 */
export function startSdk(policy: ScriptUrlPolicy): Sdk {
  const release = __RELEASE__
  const analytics = new AnalyticsEngine({ summaryIntervalMs: 10_000 })
  const crash = new CrashReporter({ inAppUrls: [location.origin] })
  const perf = new PerformanceAnalytics({ summaryIntervalMs: 10_000 })
  const wasm = new WasmLoader()
  const csp = new CspReporting()
  // ?marco-exp=stroke-smoothing:off forces a variant (the demo is a QA tool too).
  const experiments = new Experiments({
    experiments: [STROKE_SMOOTHING],
    id: analyticsId,
    allowOverride: true,
    definitionsUrl: '/v1/experiments',
  })
  const sdk = { name: '@marco/runtime', version: SDK_VERSION }
  // After a reload the old page's worker ends holding its Web Lock; the browser releases it with the worker,
  // and the new page's queue takes over what the old one left at once.
  const queue: EventQueueOptions = { endpoint: ENDPOINT, storageName: STORAGE_NAME, sdk }
  // What every batch says once: the worker sink reads it on the page with each batch it posts.
  const context = () => ({ ...analytics.batchContext(), ...experiments.batchContext(), release, environment: 'demo' })
  const sink = createWorkerSink({
    url: __WORKER_URL__,
    queue,
    context,
    // Main-thread fallback, only created if the worker cannot start or stops answering.
    fallback: () => new EventQueue({ ...queue, context }),
    // `require-trusted-types-for 'script'`: a Worker URL must be a TrustedScriptURL from the `marco` policy.
    createWorker: (url) => new Worker(policy.createScriptURL(String(url)), { type: 'module', name: 'marco-analytics' }),
  })
  const stored = readStoredChoice()
  const client = createMarcoClient({
    endpoint: ENDPOINT,
    sink,
    release,
    environment: 'demo',
    // Nothing is stored or sent before the banner's choice (every category pending), unless one was stored.
    consent: { defaults: stored ? CHOICES[stored] : undefined, honorGlobalPrivacyControl: true },
    features: [crash, csp, analytics, perf, wasm, experiments],
  }).start()

  const apply = (choice: ConsentChoice): void => {
    const wanted = CHOICES[choice]
    const granted = (Object.keys(wanted) as ConsentCategory[]).filter((category) => wanted[category] === 'granted')
    const denied = (Object.keys(wanted) as ConsentCategory[]).filter((category) => wanted[category] !== 'granted')
    client.consent.deny(denied)
    client.consent.grant(granted)
  }
  // A stored choice is the user's explicit one: it wins over Global Privacy Control, as a fresh click would.
  if (stored) apply(stored)
  const choose = (choice: ConsentChoice): void => {
    apply(choice)
    try {
      localStorage.setItem(CONSENT_STORAGE_KEY, choice)
    } catch {
      // storage blocked: the choice holds for this page only
    }
  }
  addEventListener('pagehide', () => void client.flush())
  return { client, sink, analytics, crash, perf, wasm, csp, experiments, choose }
}

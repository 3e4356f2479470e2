// The page of the lazy-loading Chromium test: one client whose crash reporter is a `lazy()` feature, loaded
// from a chunk of its own after the page has loaded, then used on the client's shared context and pipeline.
import type { CrashReporter } from '@marco/crash-reporter'
import { createMarcoClient, lazy } from '@marco/runtime'

/** What the page records for the test, on `window.lazyTest`. */
export interface LazyPageState {
  /** The page's own `load` listener ran (registered before the client's, so it runs first). */
  loadFired: boolean
  /** `document.readyState` when the client started. */
  readyStateAtStart: DocumentReadyState
  /** Whether `load` had fired when `lazy()` called its loader (the `import()`); unset while not called. */
  loaderCalledAfterLoad?: boolean
  /** The name of the feature `loaded` resolved with. */
  loadedFeature?: string
  /** Set once the captured error has been flushed. */
  sent?: boolean
  /** Anything that went wrong on the page. */
  failure?: string
}

const state: LazyPageState = { loadFired: false, readyStateAtStart: document.readyState }
Object.assign(window, { lazyTest: state })
addEventListener('load', () => (state.loadFired = true), { once: true })

const crash = lazy(() => {
  state.loaderCalledAfterLoad = state.loadFired
  return import('./lazy.chromium.chunk').then((m) => new m.CrashReporter({ breadcrumbs: false }))
})

const client = createMarcoClient({
  endpoint: '/v1/batch',
  consent: { defaults: { crash: 'granted' } },
  queue: { storage: false },
  features: [crash],
}).start()
client.on('error', (error) => (state.failure ??= `client error: ${String(error)}`))

crash.loaded
  .then(async (feature) => {
    if (!feature) throw new Error('the lazy feature did not load')
    state.loadedFeature = feature.name
    ;(feature as CrashReporter).captureException(new Error('captured by the lazily loaded crash reporter'))
    await client.flush()
    state.sent = true
  })
  .catch((error) => (state.failure ??= String(error)))

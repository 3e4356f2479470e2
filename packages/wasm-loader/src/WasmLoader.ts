import {
  createMonitor,
  globalScope,
  type CoreContext,
  type Feature,
  type Monitor,
  type Teardown,
  type WasmLoadSource,
} from '@marco/core'
import { detectWasmFeatures, type WasmFeatures } from './detectWasmFeatures'
import { loadWasm } from './loadWasm'
import type {
  LoadedModule,
  LoadEnv,
  WasmLoaderStats,
  WasmLoadOptions,
  WasmLoadProfile,
  WasmScope,
  WasmSource,
} from './types'

export interface WasmLoaderOptions {
  /** The globals to use (`fetch`, `caches`, `crypto`, `performance`, `WebAssembly`, …); default the real ones. */
  scope?: WasmScope
  /** The error boundary for listeners; default a new one (the runtime's when set up as a feature). */
  monitor?: Monitor
  /** Log the errors the loader's own error boundary catches (e.g. a throwing listener) to the console. */
  debug?: boolean
}

/**
 * Loads WebAssembly fast and safely: streaming compile with a MIME-type fallback, Subresource Integrity,
 * the Cache API, the best variant for the engine, typed errors and a profile of every load (`onLoad`, which
 * the runtime feeds to performance analytics). A `Feature` for the runtime, and usable alone.
 *
 * @example
 * const loader = new WasmLoader()
 * const { instance, profile } = await loader.load('/wasm/', { env: { now: () => performance.now() } }, {
 *   variants: { simd: 'core.simd.wasm', baseline: 'core.wasm' },
 *   integrity: 'sha384-…simd… sha384-…baseline…', // the digest of each variant
 * })
 */
export class WasmLoader implements Feature, WasmLoadSource {
  readonly name = 'wasm-loader'
  declare private _env: LoadEnv
  private _stats: WasmLoaderStats = { loads: 0, failures: 0, cacheHits: 0, mimeFallbacks: 0 }
  private _listeners = new Set<(profile: WasmLoadProfile) => void>()
  declare private _features: WasmFeatures | undefined

  constructor(options: WasmLoaderOptions = {}) {
    const scope = options.scope ?? globalScope
    const stats = this._stats
    this._env = {
      _scope: scope,
      _monitor: options.monitor ?? createMonitor({ scope, debug: options.debug }),
      _features: () => this.supports(),
      _emit: (profile) => {
        stats.loads++
        stats.failures += +!profile.ok
        stats.cacheHits += +profile.cacheHit
        stats.mimeFallbacks += +profile.mimeFallback
        for (const listener of this._listeners) this._env._monitor.call(listener, profile)
      },
    }
  }

  /**
   * Joins the runtime: the loader then reports through the runtime's error boundary (a throwing `onLoad` or
   * `onProgress` listener reaches its `error` listeners). The runtime itself feeds `onLoad` profiles to
   * performance analytics. Returns the teardown.
   *
   * @example
   * const teardown = loader.setup(context)
   */
  setup(context: CoreContext): Teardown {
    const env = this._env
    const own = env._monitor
    env._monitor = context.monitor
    return () => {
      env._monitor = own
    }
  }

  /**
   * Fetches (or reads from the Cache API), verifies, compiles and instantiates a module. Rejects with a
   * `WasmLoadError` subclass (`WasmNetworkError`, `WasmIntegrityError`, `WasmCompileError`, `WasmLinkError`)
   * naming the phase that failed, or with the signal's reason when aborted.
   *
   * @example
   * const { instance } = await loader.load('/core.wasm', { env: { log } }, { integrity: 'sha256-…', signal })
   */
  load(source: WasmSource, imports: WebAssembly.Imports = {}, options: WasmLoadOptions = {}): Promise<LoadedModule> {
    return loadWasm(this._env, source, imports, options)
  }

  /**
   * The WebAssembly features of this engine, detected once.
   *
   * @example
   * if (!loader.supports().simd) console.info('loading the baseline build')
   */
  supports(): WasmFeatures {
    return (this._features ??= detectWasmFeatures(this._env._scope))
  }

  /**
   * Hears the profile of every finished load, successful or not; returns the unsubscribe. A listener that
   * throws is reported and skipped.
   *
   * @example
   * const stop = loader.onLoad((profile) => analytics.recordWasmLoad(profile))
   */
  onLoad(callback: (profile: WasmLoadProfile) => void): () => void {
    this._listeners.add(callback)
    return () => void this._listeners.delete(callback)
  }

  /**
   * Counters since the loader was created, among them the loads that could not stream (server MIME type).
   *
   * @example
   * if (loader.stats().mimeFallbacks) console.warn('serve .wasm as application/wasm')
   */
  stats(): WasmLoaderStats {
    return { ...this._stats }
  }
}

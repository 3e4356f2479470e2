import type { GlobalScope, Monitor } from '@marco/core'
import type { WasmFeatures } from './detectWasmFeatures'

/** The step of a load: where it spent its time, and where it failed. */
export type WasmLoadPhase = 'fetch' | 'verify' | 'compile' | 'instantiate'

/** What `load()` accepts: a URL, a fetched `Response`, or the module's bytes. */
export type WasmSource = string | URL | Response | ArrayBuffer | ArrayBufferView

/** The browser globals the loader uses, all optional (`GlobalScope` plus what only the loader reads). */
export type WasmScope = GlobalScope & {
  readonly crossOriginIsolated?: boolean
  readonly SharedArrayBuffer?: unknown
}

/** Module files per engine capability: the best one the engine supports is loaded. */
export interface WasmVariants {
  /** Built with threads (shared memory, atomics); chosen only when cross-origin isolated. */
  readonly threads?: string
  /** Built with SIMD. */
  readonly simd?: string
  /** Runs everywhere. */
  readonly baseline: string
}

export interface WasmProgress {
  /** Bytes received so far. */
  readonly loaded: number
  /** `content-length` when the server sent one for the uncompressed body, else `undefined`. */
  readonly total: number | undefined
}

export interface WasmCacheOptions {
  /** The Cache API cache to use; default `marco-wasm`. */
  name?: string
}

export interface WasmLoadOptions {
  /**
   * Subresource Integrity of the module (`sha256-…`, `sha384-…`, `sha512-…`; several, space-separated, are
   * allowed, and any of the strongest algorithm's may match). With `variants`, list each variant's digest.
   */
  integrity?: string
  /** `false` turns the Cache API off; an object names the cache. Default on where `caches` exists. */
  cache?: boolean | WasmCacheOptions
  /** Files per engine capability; `source` (a string) is then the base URL they resolve against. */
  variants?: WasmVariants
  signal?: AbortSignal
  /** Hears download progress (never throws into the load: an error in it is reported and ignored). */
  onProgress?: (progress: WasmProgress) => void
  /**
   * Longest wait for each attempt's response and body, in ms; default 30,000. Not a number or past 2 ** 31 - 1
   * (`Infinity`): no time-out (reported to the monitor).
   */
  timeoutMs?: number
  /**
   * Further attempts after a network error (also a body cut short), a time-out, 408, 429 or 5xx; default 2. A whole
   * number from 0 to 10: others are clamped, `NaN` is 2 (reported to the monitor).
   */
  retries?: number
}

/** What one load did and how long each step took (durations in ms). */
export interface WasmLoadProfile {
  readonly ok: boolean
  /** The URL fetched (absent for a `Response` without one or for bytes). */
  readonly url: string | undefined
  /** The chosen variant name when `variants` was given. */
  readonly variant: keyof WasmVariants | undefined
  /** Size of the module in bytes (0 when a failure came before the bytes were known). */
  readonly bytes: number
  /** The module came from the Cache API (its body was not downloaded). */
  readonly cacheHit: boolean
  /** Compiled with `WebAssembly.compileStreaming` while downloading. */
  readonly streaming: boolean
  /** The server sent a MIME type other than `application/wasm`, so the module could not stream (fix the server). */
  readonly mimeFallback: boolean
  /** Time until the bytes were in hand (streaming: until the response headers; the download then overlaps compile). */
  readonly fetchMs: number
  readonly verifyMs: number
  readonly compileMs: number
  readonly instantiateMs: number
  readonly totalMs: number
  /** The phase that failed, for a failed load. */
  readonly phase?: WasmLoadPhase
  /** The error's name, for a failed load. */
  readonly error?: string
}

export interface LoadedModule {
  readonly module: WebAssembly.Module
  readonly instance: WebAssembly.Instance
  readonly profile: WasmLoadProfile
}

/** Counters since the loader was created. */
export interface WasmLoaderStats {
  loads: number
  failures: number
  /** Loads whose module came from the Cache API. */
  cacheHits: number
  /** Loads whose server sent a MIME type other than `application/wasm`, so they could not stream. */
  mimeFallbacks: number
}

/** The loader's shared state, handed to the load steps (`_`-prefixed: internal, and shortened by the build). */
export interface LoadEnv {
  readonly _scope: WasmScope
  /** The loader's own error boundary, or the runtime's once set up in it. */
  _monitor: Monitor
  readonly _features: () => WasmFeatures
  /** Counts a finished load (success or failure) and hands its profile to the listeners. */
  readonly _emit: (profile: WasmLoadProfile) => void
  /** The latest cache write: a later load waits for it before it reads the cache. */
  _writes?: Promise<unknown>
}

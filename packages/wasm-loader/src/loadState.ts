import type { LoadEnv, WasmLoadOptions, WasmLoadPhase, WasmLoadProfile } from './types'

/**
 * What one load knows so far, handed from step to step (`_`-prefixed: internal, and shortened by the build).
 * `loadWasm` creates it; each step reads what it needs and records what it learnt.
 *
 * @example
 * const state: LoadState = { _env: env, _options: options, _profile: profile, _mark: 0, _phase: 'fetch' }
 */
export interface LoadState {
  readonly _env: LoadEnv
  readonly _options: WasmLoadOptions
  /** The profile `onLoad` listeners will get, filled in as the load goes. */
  readonly _profile: { -readonly [K in keyof WasmLoadProfile]: WasmLoadProfile[K] }
  /** When the current phase began. */
  _mark: number
  _phase: WasmLoadPhase
  _url?: string
  _response?: Response
  /** The module's bytes once known: from the source, the cache or the network. */
  _bytes?: Uint8Array<ArrayBuffer>
  _module?: WebAssembly.Module
  /** The open Cache API cache and the key the module is stored under, once the cache was asked. */
  _cache?: Cache
  _key?: URL
}

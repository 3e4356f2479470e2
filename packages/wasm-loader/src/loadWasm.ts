import { compileBytes } from './compileBytes'
import { compileResponse } from './compileResponse'
import type { LoadState } from './loadState'
import { now } from './now'
import { endPhase } from './endPhase'
import { fetchWasm } from './fetchWasm'
import { instantiateModule } from './instantiateModule'
import { readCache } from './readCache'
import { resolveSource } from './resolveSource'
import { toLoadError } from './toLoadError'
import type { LoadedModule, LoadEnv, WasmLoadOptions, WasmSource } from './types'

const noop = () => {}

/**
 * One load, step by step: pick the variant; with integrity, try the Cache API first; fetch with time-out and
 * retries, each attempt covering the steps that read the body: without integrity, try the Cache API under the
 * response's ETag; stream-compile an OK `application/wasm` response, else read the bytes, verify their
 * integrity and compile them; then store what compiled; instantiate. Rejects with a `WasmLoadError` subclass
 * naming the failed phase (or the signal's reason when aborted); hands every load's profile to `env._emit` and
 * the performance timeline.
 *
 * @example
 * const { instance, profile } = await loadWasm(env, '/core.wasm', { env: { log } }, { integrity })
 */
export async function loadWasm(
  env: LoadEnv,
  source: WasmSource,
  imports: WebAssembly.Imports,
  options: WasmLoadOptions,
): Promise<LoadedModule> {
  const start = now(env._scope)
  // The rest of the profile is filled in as the load learns it.
  const profile = {
    ok: false,
    cacheHit: false,
    streaming: false,
    mimeFallback: false,
    fetchMs: 0,
    verifyMs: 0,
    compileMs: 0,
    instantiateMs: 0,
  } as LoadState['_profile']
  const state: LoadState = {
    _env: env,
    _options: options,
    _profile: profile,
    _mark: start,
    _phase: 'fetch',
  }
  const { signal, integrity } = options
  try {
    resolveSource(state, source)
    if (state._url) {
      await readCache(state, integrity)
      // Within each attempt, so that a body that stalls or breaks off is retried as a failed request is.
      if (!state._module)
        await fetchWasm(state, async (response) => {
          // Without integrity, the ETag names the version: a stored copy of it spares the download.
          if (!integrity && response.ok) await readCache(state, response.headers.get('etag'))
          if (!state._module) await compileResponse(state, response)
        })
    } else await (state._response ? compileResponse(state, state._response) : compileBytes(state, state._bytes!))
    // Stored only now: bytes that compiled (and matched their integrity), under their integrity or ETag.
    if (state._cache && !profile.cacheHit)
      env._writes = state._cache.put(state._key!, new Response(state._bytes)).catch(noop)
    endPhase(state, 'instantiate')
    const instance = await instantiateModule(state._module!, imports, profile.url)
    signal?.throwIfAborted()
    profile.ok = true
    return { module: state._module!, instance, profile }
  } catch (error) {
    throw toLoadError(state, error)
  } finally {
    endPhase(state, state._phase)
    profile.bytes = state._bytes?.length ?? 0
    profile.totalMs = state._mark - start
    env._emit(profile)
  }
}

import { compileBytes } from './compileBytes'
import type { LoadState } from './loadState'
import type { WasmCacheOptions } from './types'

/**
 * Looks for the module in the Cache API under its URL and `version` (its integrity or ETag), and compiles it
 * from there when found. Remembers the cache and key either way, so that bytes from the network can be stored.
 *
 * @example
 * await readCache(state, response.headers.get('etag'))
 * if (!state._module) await compileResponse(state, response)
 */
export async function readCache(state: LoadState, version: string | null | undefined): Promise<void> {
  const { _options: options } = state
  const scope = state._env._scope
  if (!version || options.cache === false) return
  // A stored copy counts only once it verifies and compiles. A miss, a missing or broken Cache API and a
  // corrupt entry all end in the catch and go on to the network, whose bytes then replace the entry.
  try {
    const key = (state._key = new URL(state._url!, scope.location?.href))
    key.searchParams.set('marco-wasm', version)
    const cache = (state._cache = await scope.caches!.open(
      (options.cache as WasmCacheOptions | undefined)?.name || 'marco-wasm',
    ))
    await state._env._writes
    await compileBytes(state, new Uint8Array(await (await cache.match(key))!.arrayBuffer()))
    state._profile.cacheHit = true
  } catch {
    state._phase = 'fetch'
    state._bytes = undefined
  }
}

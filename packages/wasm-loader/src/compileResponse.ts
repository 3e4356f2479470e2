import { compileBytes } from './compileBytes'
import type { LoadState } from './loadState'
import { endPhase } from './endPhase'
import { WasmNetworkError } from './WasmLoadError'
import { toNetworkError } from './toNetworkError'
import { withProgress } from './withProgress'

/**
 * Compiles the module from a response: while downloading when it is `application/wasm` and there is no
 * integrity to check first, else from the whole body. Rejects a non-OK response without compiling it, and a
 * body cut short with `WasmNetworkError` (status 0).
 *
 * @example
 * await compileResponse(state, await fetch('/core.wasm'))
 */
export async function compileResponse(state: LoadState, response: Response): Promise<void> {
  const { _options: options, _profile: profile } = state
  if (!response.ok) throw new WasmNetworkError(response.status, `HTTP ${response.status}`, profile.url)
  // compileStreaming takes exactly application/wasm, so anything else is read whole instead.
  // Counted, so that a misconfigured server or CDN shows in the profile and the loader's stats.
  const wasmType = !(profile.mimeFallback = response.headers.get('content-type')?.toLowerCase() !== 'application/wasm')
  // Integrity is checked before compiling, so a module with integrity is read whole first. A streamed module's
  // bytes are still wanted (for the cache, the size, and to describe a compile error): read from a copy.
  const copy =
    wasmType && !options.integrity && (WebAssembly as Partial<typeof WebAssembly>).compileStreaming && response.clone()
  const body = withProgress(response, state._env._monitor, options.onProgress)
  // A body cut short (a dropped connection, the time-out) is a network error of the fetch phase, not a compile one.
  const read = async (from: Response) =>
    new Uint8Array(
      await from.arrayBuffer().catch((error) => {
        state._phase = 'fetch'
        throw toNetworkError(error, profile.url)
      }),
    )
  if (copy) {
    endPhase(state, 'compile')
    profile.streaming = true
    // The copy's read fails too when the body does, and its error is the one that counts.
    state._module = await WebAssembly.compileStreaming(body).finally(async () => {
      state._bytes = await read(copy)
    })
  } else await compileBytes(state, await read(body))
}

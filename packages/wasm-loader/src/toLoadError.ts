import type { LoadState } from './loadState'
import { WasmCompileError, WasmLoadError } from './WasmLoadError'

/**
 * What a failed load rejects with: the signal's reason when aborted, a `WasmCompileError` describing the bytes
 * when the engine could not compile them, a `WasmLoadError` as it is, and anything else wrapped in a
 * `WasmLoadError` naming the phase it failed in. The profile records the phase and the error's name.
 *
 * @example
 * catch (error) { throw toLoadError(state, error) }
 */
export function toLoadError(state: LoadState, error: unknown): unknown {
  const { _phase: phase, _profile: profile, _options: options } = state
  const failure = options.signal?.aborted
    ? options.signal.reason
    : error instanceof WebAssembly.CompileError
      ? new WasmCompileError(state._bytes!, profile.url, error)
      : error instanceof WasmLoadError
        ? error
        : new WasmLoadError(phase, phase, profile.url, error)
  profile.phase = phase
  profile.error = (failure as Error)?.name
  return failure
}

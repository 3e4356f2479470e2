import type { LoadState } from './loadState'
import { endPhase } from './endPhase'
import { verifyIntegrity } from './verifyIntegrity'

/**
 * Compiles the module's bytes, verifying their integrity first when the load has one; the bytes are kept
 * either way (for the cache, the size, and to describe a compile error).
 *
 * @example
 * await compileBytes(state, new Uint8Array(await response.arrayBuffer()))
 */
export async function compileBytes(state: LoadState, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const { integrity } = state._options
  state._bytes = bytes
  if (integrity) {
    endPhase(state, 'verify')
    await verifyIntegrity(bytes, integrity, state._env._scope, state._profile.url)
  }
  endPhase(state, 'compile')
  state._module = await WebAssembly.compile(bytes)
}

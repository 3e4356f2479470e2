import type { LoadState } from './loadState'
import { now } from './now'
import type { WasmLoadPhase } from './types'

/**
 * Ends the load's current phase (its time goes to the profile and the performance timeline) and starts `next`.
 *
 * @example
 * endPhase(state, 'compile')
 */
export function endPhase(state: LoadState, next: WasmLoadPhase): void {
  const { _env: env, _phase: phase, _mark: from } = state
  const scope = env._scope
  const mark = (state._mark = now(scope))
  state._profile[`${phase}Ms`] += mark - from
  // User Timing level 3 (start and end); an engine without it throws, and the profile still has the numbers.
  env._monitor.call(() => scope.performance?.measure(`marco-wasm:${phase}`, { start: from, end: mark }))
  state._phase = next
}

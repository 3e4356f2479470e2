import type { WasmScope } from './types'

/**
 * The scope's high-resolution time in ms (`performance.now()`), or `Date.now()` where there is none.
 *
 * @example
 * const started = now(globalScope)
 */
export function now(scope: WasmScope): number {
  return scope.performance?.now() ?? Date.now()
}

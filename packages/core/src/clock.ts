import { globalScope, type GlobalScope } from './scope'

/** Wall-clock and monotonic time, injectable so tests use a fake clock instead of sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch (for timestamps on the wire). */
  now(): number
  /** Milliseconds from an arbitrary origin that never goes backwards (for durations). */
  monotonic(): number
}

/**
 * The clock of a scope: `Date.now()` and `performance.now()` (falling back to `Date.now()`).
 *
 * @example
 * const clock = createClock()
 * const start = clock.monotonic()
 */
/* @__NO_SIDE_EFFECTS__ */
export function createClock(scope: GlobalScope = globalScope): Clock {
  return {
    now: () => Date.now(),
    monotonic: () => {
      const performance = scope.performance
      return performance && typeof performance.now === 'function' ? performance.now() : Date.now()
    },
  }
}

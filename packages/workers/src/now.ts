/**
 * Milliseconds since the epoch at sub-millisecond resolution, comparable between a page and its workers
 * (each has its own `performance.timeOrigin`); `Date.now()` where `performance` is missing.
 *
 * @example
 * const lagMs = now() - message.s
 */
export function now(): number {
  const perf = globalThis.performance
  return perf ? perf.timeOrigin + perf.now() : Date.now()
}

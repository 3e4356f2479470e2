import type { Clock } from '@marco/core'

export interface FakeClock extends Clock {
  /** Moves both clocks forward. */
  advance(ms: number): void
  /** Sets the wall clock (the monotonic one never goes back). */
  setNow(epochMs: number): void
}

/** A clock that moves only when told to. Starts at 2026-01-01T00:00:00Z, monotonic 0. */
export function createFakeClock(startEpochMs = Date.UTC(2026, 0, 1)): FakeClock {
  let wall = startEpochMs
  let mono = 0
  return {
    now: () => wall,
    monotonic: () => mono,
    advance(ms) {
      wall += ms
      mono += ms
    },
    setNow(epochMs) {
      wall = epochMs
    },
  }
}

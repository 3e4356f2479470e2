import { alwaysValidInterval, type MetricSums } from './alwaysValidInterval'

/**
 * A seeded pseudo-random generator (mulberry32): the same seed gives the same stream, so a simulation's
 * result is the same on every run (a statistical test that cannot be flaky).
 */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SimulatedExperiment {
  /** Conversion rates of the control and the treatment. */
  readonly rates: readonly [number, number]
  readonly sessions: number
  /** Results are read after every `lookEvery` sessions (the dashboard refreshed that often). */
  readonly lookEvery: number
  readonly alpha: number
  /** The mixture's standard deviation (see `mixtureTau`). */
  readonly tau: (control: MetricSums, treatment: MetricSums) => number
}

/**
 * One simulated 50/50 conversion experiment, each session assigned by a fair coin and converting with its
 * arm's rate, monitored after every `lookEvery` sessions with the collector's always-valid interval.
 * Returns the session count at which the interval first excluded 0, or `undefined` when it never did.
 */
export function simulateConversions(prng: () => number, experiment: SimulatedExperiment): number | undefined {
  const n = [0, 0]
  const conversions = [0, 0]
  for (let session = 1; session <= experiment.sessions; session++) {
    const arm = prng() < 0.5 ? 0 : 1
    n[arm]!++
    if (prng() < experiment.rates[arm]!) conversions[arm]!++
    if (session % experiment.lookEvery) continue
    const control = { n: n[0]!, sum: conversions[0]!, sumSquares: conversions[0]! }
    const treatment = { n: n[1]!, sum: conversions[1]!, sumSquares: conversions[1]! }
    if (alwaysValidInterval(control, treatment, experiment.alpha, experiment.tau(control, treatment))?.significant)
      return session
  }
  return undefined
}

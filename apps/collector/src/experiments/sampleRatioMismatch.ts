import { chiSquareSurvival } from './chiSquareSurvival'

/** Below this p-value the split is flagged: strict, because an SRM check runs on every dashboard refresh. */
export const SRM_P_THRESHOLD = 0.001

export interface SampleRatioCheck {
  /** Pearson's chi-square of the observed sessions against the configured weights. */
  readonly chiSquare: number
  readonly df: number
  readonly pValue: number
  /** `pValue < SRM_P_THRESHOLD`, or sessions in a variant whose weight is 0: the assignment is broken. */
  readonly mismatch: boolean
}

/**
 * The sample-ratio-mismatch check: do the exposed sessions per variant fit the configured weights? A 50/50
 * experiment delivered 52/48 over 20,000 sessions gives chi-square 32 (p ≈ 1.5e-8): flagged.
 *
 * @example
 * sampleRatioMismatch([10_400, 9_600], [1, 1]) // { chiSquare: 32, df: 1, pValue: 1.5e-8, mismatch: true }
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SampleRatioCheck {
  const total = observed.reduce((sum, count) => sum + count, 0)
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
  let chiSquare = 0
  let df = -1
  for (let i = 0; i < observed.length; i++) {
    const expected = (total * (weights[i] ?? 0)) / weightSum
    if (expected > 0) {
      chiSquare += (observed[i]! - expected) ** 2 / expected
      df++
    } else if (observed[i]! > 0) chiSquare = Infinity
  }
  if (df < 1 || total === 0) return { chiSquare: 0, df: Math.max(df, 0), pValue: 1, mismatch: chiSquare === Infinity }
  const pValue = chiSquareSurvival(chiSquare, df)
  return { chiSquare, df, pValue, mismatch: pValue < SRM_P_THRESHOLD }
}

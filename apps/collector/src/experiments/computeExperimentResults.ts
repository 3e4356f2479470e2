import { assignVariant, isExperimentDefinition, type ExperimentDefinition } from '@marco/experiments'
import { alwaysValidInterval, meanAndVariance, type AlwaysValidInterval, type MetricSums } from './alwaysValidInterval'
import type { ExposedSession } from './readExposedSessions'
import { sampleRatioMismatch, type SampleRatioCheck } from './sampleRatioMismatch'

/**
 * The mixture's standard deviation, as a share of the metric's pooled standard deviation (a standardized effect of
 * 0.1).
 */
export const DEFAULT_TAU_SHARE = 0.1

export interface ResultSettings {
  /** 1 - the intervals' confidence level. Default 0.05. */
  readonly alpha: number
  /** τ as a share of the pooled standard deviation (see `DEFAULT_TAU_SHARE`). */
  readonly tauShare: number
}

export interface VariantResult {
  readonly name: string
  /** Configured share of the experiment's traffic (weights normalized). */
  readonly share: number
  readonly sessions: number
  readonly conversions: number
  readonly conversionRate: number | null
  /** Sessions with a metric value, and their mean. */
  readonly metric: { readonly n: number; readonly mean: number | null }
  /** Against the control (`variants[0]`); absent for the control itself. */
  readonly vsControl?: { readonly conversion: AlwaysValidInterval | null; readonly metric: AlwaysValidInterval | null }
}

export interface ExperimentResult {
  readonly key: string
  /** Where the weights came from: the collector's definitions, or (without one) the SDK's exposures. */
  readonly definedBy: 'collector' | 'exposures'
  readonly variants: readonly VariantResult[]
  readonly sampleRatio: SampleRatioCheck
  /** Exposures re-assigned with the shared hash: how many were checked and how many named another variant. */
  readonly assignment: { readonly checked: number; readonly mismatched: number }
  /** Sessions whose exposures named more than one variant (sticky assignment would give 0). */
  readonly mixedSessions: number
  /** Exposures naming a variant the definition does not have. */
  readonly unknownVariants: number
}

/**
 * Turns the exposed sessions into per-variant results: sessions, conversion rate, metric mean, an
 * always-valid interval of each variant's difference from the control (mSPRT), the sample-ratio check
 * against the weights, and the re-verification of every exposure with the SDK's own `assignVariant`.
 *
 * @example
 * computeExperimentResults(rows, definitions, { alpha: 0.05, tauShare: DEFAULT_TAU_SHARE })
 */
export function computeExperimentResults(
  rows: readonly ExposedSession[],
  definitions: ReadonlyMap<string, { definition: ExperimentDefinition; definedBy: 'collector' | 'exposures' }>,
  settings: ResultSettings,
): ExperimentResult[] {
  const results: ExperimentResult[] = []
  for (const [key, { definition, definedBy }] of definitions) {
    const variants = definition.variants
    const conversion = variants.map(() => ({ n: 0, sum: 0, sumSquares: 0 }))
    const metric = variants.map(() => ({ n: 0, sum: 0, sumSquares: 0 }))
    let checked = 0
    let mismatched = 0
    let mixedSessions = 0
    let unknownVariants = 0
    for (const row of rows) {
      if (row.experiment !== key) continue
      const index = variants.indexOf(row.variant)
      if (index < 0) {
        unknownVariants++
        continue
      }
      if (row.otherVariants) mixedSessions++
      const c = conversion[index]!
      c.n++
      c.sum += row.converted
      c.sumSquares += row.converted
      if (row.value !== null) {
        const m = metric[index]!
        m.n++
        m.sum += row.value
        m.sumSquares += row.value * row.value
      }
      if (row.unitId !== null) {
        checked++
        if (assignVariant(definition, row.unitId) !== row.variant) mismatched++
      }
    }
    const weights = definition.weights ?? variants.map(() => 1)
    const total = weights.reduce((sum, weight) => sum + weight, 0)
    const compare = (sums: MetricSums[], i: number) =>
      alwaysValidInterval(sums[0]!, sums[i]!, settings.alpha, settings.tauShare * pooledSd(sums[0]!, sums[i]!)) ?? null
    results.push({
      key,
      definedBy,
      variants: variants.map((name, i) => ({
        name,
        share: weights[i]! / total,
        sessions: conversion[i]!.n,
        conversions: conversion[i]!.sum,
        conversionRate: conversion[i]!.n ? conversion[i]!.sum / conversion[i]!.n : null,
        metric: { n: metric[i]!.n, mean: metric[i]!.n ? metric[i]!.sum / metric[i]!.n : null },
        ...(i ? { vsControl: { conversion: compare(conversion, i), metric: compare(metric, i) } } : {}),
      })),
      sampleRatio: sampleRatioMismatch(
        conversion.map((sums) => sums.n),
        weights,
      ),
      assignment: { checked, mismatched },
      mixedSessions,
      unknownVariants,
    })
  }
  return results
}

/** The standard deviation of both arms together. */
function pooledSd(a: MetricSums, b: MetricSums): number {
  return Math.sqrt(
    meanAndVariance({ n: a.n + b.n, sum: a.sum + b.sum, sumSquares: a.sumSquares + b.sumSquares })?.variance ?? 0,
  )
}

/**
 * The definition an experiment's newest exposure describes (its variants, weights, coverage, seed and
 * namespace as the SDK had them), when it is a valid one.
 *
 * @example
 * definitionFromExposure({ experiment: 'smoothing', variant: 'on', variants: ['off', 'on'], weights: [1, 1] })
 */
export function definitionFromExposure(payload: Record<string, unknown>): ExperimentDefinition | undefined {
  const { experiment, variants, weights, coverage, seed, namespace } = payload
  const definition = { key: experiment, variants, weights, coverage, seed, namespace }
  return isExperimentDefinition(definition) ? definition : undefined
}

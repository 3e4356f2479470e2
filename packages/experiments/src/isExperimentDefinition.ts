import type { ExperimentDefinition } from './types'

const MAX_VARIANTS = 20
const MAX_NAME_LENGTH = 200

const isName = (value: unknown): value is string =>
  typeof value === 'string' && !!value && value.length <= MAX_NAME_LENGTH
const isPositiveFinite = (value: number): boolean => value > 0 && value < Infinity
const isShare = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value <= 1

/**
 * Whether a value is a usable definition: a key; 1 to 20 distinct variant names; one finite weight ≥ 0 per
 * variant with a positive, finite sum; `coverage` in [0, 1]; a namespace with `0 ≤ start < end ≤ 1`; an audience of
 * plain values. Definitions from the network (and the collector's file) pass through it; a bad one is left out.
 *
 * @example
 * isExperimentDefinition({ key: 'renderer', variants: ['a', 'b'], weights: [1, -1] }) // false
 */
export function isExperimentDefinition(value: unknown): value is ExperimentDefinition {
  if (!value || typeof value !== 'object') return false
  const { key, variants, weights, coverage, seed, namespace, audience } = value as Record<string, unknown>
  if (!isName(key) || !Array.isArray(variants) || !variants.length || variants.length > MAX_VARIANTS) return false
  if (!variants.every(isName) || new Set(variants).size !== variants.length) return false
  if (
    weights !== undefined &&
    !(
      Array.isArray(weights) &&
      weights.length === variants.length &&
      weights.every((w) => Number.isFinite(w) && w >= 0) &&
      // A sum past the largest double (1e308 twice) would put every id in the last variant.
      isPositiveFinite(weights.reduce((sum, w) => sum + w, 0))
    )
  ) {
    return false
  }
  if ((coverage !== undefined && !isShare(coverage)) || (seed !== undefined && typeof seed !== 'string')) return false
  if (namespace !== undefined) {
    const { name, start, end } = (namespace ?? {}) as Record<string, unknown>
    if (!isName(name) || !isShare(start) || !isShare(end) || start >= end) return false
  }
  if (audience !== undefined) {
    if (!audience || typeof audience !== 'object' || Array.isArray(audience)) return false
    const plain = (v: unknown) => ['string', 'number', 'boolean'].includes(typeof v)
    if (!Object.values(audience).every((v) => plain(v) || (Array.isArray(v) && v.every(plain)))) return false
  }
  return true
}

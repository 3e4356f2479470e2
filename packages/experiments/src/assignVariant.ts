import { hashToUnit } from './hashToUnit'
import type { ExperimentDefinition } from './types'

/** The namespace hash's seed: an id's position in a namespace does not depend on any experiment in it. */
const NAMESPACE_SEED = 'namespace'

/**
 * The variant an id gets, or `undefined` when it is outside the experiment (its namespace range or the
 * traffic `coverage`). Deterministic: the same definition and id give the same answer everywhere. The hash
 * `u = hashToUnit(key, seed, id)` decides both: `u < coverage` enters, then `u / coverage` (uniform again)
 * falls into one variant's share of the cumulative weights. The audience is checked by the caller.
 *
 * @example
 * assignVariant({ key: 'renderer', variants: ['canvas2d', 'webgl'], weights: [1, 1] }, 'a1b2c3') // 'webgl'
 */
export function assignVariant(definition: ExperimentDefinition, id: string): string | undefined {
  const { key, variants, namespace } = definition
  if (namespace) {
    const position = hashToUnit(namespace.name, NAMESPACE_SEED, id)
    if (position < namespace.start || position >= namespace.end) return undefined
  }
  const coverage = definition.coverage ?? 1
  const unit = hashToUnit(key, definition.seed ?? '', id)
  if (unit >= coverage) return undefined
  const weights = definition.weights ?? variants.map(() => 1)
  let left = (unit / coverage) * weights.reduce((sum, weight) => sum + weight, 0)
  for (let i = 0; i < variants.length; i++) {
    left -= weights[i]!
    if (left < 0) return variants[i]
  }
  return variants[variants.length - 1]
}

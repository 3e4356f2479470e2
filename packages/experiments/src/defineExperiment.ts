import type { ExperimentDefinition } from './types'

/**
 * Declares an experiment in code, keeping its key and variant names as literal types, so
 * `experiments.variant('renderer')` is typed `'canvas2d' | 'webgl'`. Returns the definition as given.
 *
 * @example
 * const renderer = defineExperiment({ key: 'renderer', variants: ['canvas2d', 'webgl'], weights: [1, 1] })
 * const experiments = new Experiments({ experiments: [renderer], id: () => userId })
 * experiments.variant('renderer') // 'canvas2d' | 'webgl'
 */
/* @__NO_SIDE_EFFECTS__ */
export function defineExperiment<const K extends string, const V extends readonly [string, ...string[]]>(
  definition: ExperimentDefinition<K, V>,
): ExperimentDefinition<K, V> {
  return definition
}

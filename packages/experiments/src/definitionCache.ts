import type { GlobalScope } from '@marco/core'
import { isExperimentDefinition } from './isExperimentDefinition'
import type { ExperimentDefinition } from './types'

/** Definitions kept from one response, at most. */
export const MAX_DEFINITIONS = 100

/**
 * Keeps the valid definitions of a list (at most 100); anything else is an empty list.
 *
 * @example
 * toDefinitions(JSON.parse(text).experiments)
 */
export function toDefinitions(value: unknown): ExperimentDefinition[] {
  return Array.isArray(value) ? value.filter(isExperimentDefinition).slice(0, MAX_DEFINITIONS) : []
}

/**
 * The definitions an earlier page fetched and stored (empty when none, unreadable or storage blocked).
 *
 * @example
 * const cached = loadDefinitions(globalScope, 'marco_experiments')
 */
export function loadDefinitions(scope: GlobalScope, key: string): ExperimentDefinition[] {
  try {
    return toDefinitions(JSON.parse(scope.localStorage?.getItem(key) ?? '[]'))
  } catch {
    return []
  }
}

/**
 * Stores fetched definitions for the next page (or removes them: `undefined`). Never throws.
 *
 * @example
 * saveDefinitions(globalScope, 'marco_experiments', definitions)
 */
export function saveDefinitions(
  scope: GlobalScope,
  key: string,
  definitions: readonly ExperimentDefinition[] | undefined,
): void {
  try {
    if (definitions) scope.localStorage?.setItem(key, JSON.stringify(definitions))
    else scope.localStorage?.removeItem(key)
  } catch {
    // private mode or full: the next page uses the coded definitions
  }
}

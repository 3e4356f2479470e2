import type { ExperimentDefinition } from './types'

/**
 * Whether attributes satisfy an audience: every listed attribute equals the value, or one of the values.
 * No audience matches everyone.
 *
 * @example
 * matchesAudience({ plan: ['pro', 'team'] }, { plan: 'pro' }) // true
 */
export function matchesAudience(
  audience: ExperimentDefinition['audience'],
  attributes: Record<string, unknown> = {},
): boolean {
  for (const name in audience) {
    const wanted = audience[name]
    if (!(Array.isArray(wanted) ? wanted : [wanted]).includes(attributes[name])) return false
  }
  return true
}

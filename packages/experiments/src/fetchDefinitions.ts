import type { GlobalScope } from '@marco/core'
import { toDefinitions } from './definitionCache'
import type { ExperimentDefinition } from './types'

/** A definitions document larger than this is refused, characters. */
const MAX_RESPONSE_CHARS = 262_144

/**
 * Fetches `{ experiments: [...] }` (the collector's `GET /v1/experiments`) and keeps the valid definitions.
 * `cache: 'no-cache'` makes the browser revalidate with the stored response's ETag, so an unchanged list
 * costs a 304. Resolves to `undefined` on any failure; never rejects.
 *
 * @example
 * const definitions = await fetchDefinitions(globalScope, '/v1/experiments')
 */
export async function fetchDefinitions(scope: GlobalScope, url: string): Promise<ExperimentDefinition[] | undefined> {
  try {
    const response = await scope.fetch!(url, { cache: 'no-cache', credentials: 'omit' })
    const text = response.ok ? await response.text() : ''
    return text && text.length <= MAX_RESPONSE_CHARS
      ? toDefinitions((JSON.parse(text) as { experiments?: unknown }).experiments)
      : undefined
  } catch {
    return undefined
  }
}

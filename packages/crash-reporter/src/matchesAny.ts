import type { UrlPattern } from './types'

/**
 * Whether `text` contains one of the string patterns or matches one of the RegExps.
 *
 * @example
 * matchesAny('https://cdn.example/app.js', ['cdn.example', /\.wasm$/]) // true
 */
export function matchesAny(text: string, patterns: readonly UrlPattern[] | undefined): boolean {
  return (
    !!patterns &&
    patterns.some((pattern) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)))
  )
}

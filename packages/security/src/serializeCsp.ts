import type { CspDirectives } from './cspTypes'

/**
 * Serializes directives into a header value, in their insertion order.
 *
 * @example
 * serializeCsp({ 'object-src': ["'none'"], 'upgrade-insecure-requests': [] })
 * // "object-src 'none'; upgrade-insecure-requests"
 */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .filter((entry): entry is [string, readonly string[]] => entry[1] !== undefined)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ')
}

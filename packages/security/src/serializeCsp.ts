import type { CspDirectives } from './cspTypes'

/**
 * Serializes directives into a header value, in their insertion order. Throws a `TypeError` for a name or source
 * holding whitespace, `;`, `,` or a control character: no source has one, and with one a value given for
 * `connect-src` (a config file, a CLI flag) could add a directive of its own (`; script-src-elem * 'unsafe-inline'`)
 * or split the header.
 *
 * @example
 * serializeCsp({ 'object-src': ["'none'"], 'upgrade-insecure-requests': [] })
 * // "object-src 'none'; upgrade-insecure-requests"
 */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .filter((entry): entry is [string, readonly string[]] => entry[1] !== undefined)
    .map(([name, values]) => {
      for (const token of [name, ...values])
        if (!token || /[\s;,\0-\x1f\x7f]/.test(token))
          throw new TypeError(`CSP: ${JSON.stringify(token)} is not a source`)
      return [name, ...values].join(' ')
    })
    .join('; ')
}

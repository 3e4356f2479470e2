import type { CspDirectives } from './cspTypes'

/**
 * Parses a serialized policy into directives, as browsers do: directive names are case-insensitive, values
 * split on whitespace, empty directives are dropped and a repeated directive is ignored (the first one wins,
 * CSP3 §2.2.1).
 *
 * @example
 * parseCsp("script-src 'self'; object-src 'none'") // { 'script-src': ["'self'"], 'object-src': ["'none'"] }
 */
export function parseCsp(policy: string): CspDirectives {
  const directives: Record<string, string[]> = {}
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/[\t\n\f\r ]+/)
    if (!name) continue
    const key = name.toLowerCase()
    if (!Object.hasOwn(directives, key)) directives[key] = values
  }
  return directives
}

import { createMarcoCspDirectives, type MarcoCspOptions } from './createMarcoCspDirectives'
import { createNonce } from './createNonce'
import type { CspDirectives, CspFinding } from './cspTypes'
import { parseCsp } from './parseCsp'
import { serializeCsp } from './serializeCsp'
import { validateCsp } from './validateCsp'

// Base64 / base64url characters, plus `$` so a server variable such as nginx's `$request_id` can stand in.
const NONCE_PATTERN = /^[\w+/=$-]+$/
const isNonceSource = (source: string): boolean => /^'nonce-/i.test(source)

/**
 * A Content-Security-Policy as typed directives. Immutable: `withNonce` and `with` return a new policy.
 * Server-side: nothing on the client imports it.
 *
 * @example
 * const template = ContentSecurityPolicy.marco({ signalling: ['wss://signal.example.com'], reportUri: '/v1/csp' })
 * // per response:
 * const policy = template.withNonce()
 * res.setHeader('Content-Security-Policy', policy.toString())
 * html.replaceAll('__CSP_NONCE__', policy.nonce!)
 */
export class ContentSecurityPolicy {
  readonly directives: CspDirectives
  /** The nonce in `script-src`, if any. */
  readonly nonce: string | undefined

  constructor(directives: CspDirectives = {}) {
    this.directives = directives
    const source = directives['script-src']?.find(isNonceSource)
    this.nonce = source?.slice("'nonce-".length, -1)
  }

  /**
   * Marco's strict default policy (no nonce yet).
   *
   * @example
   * ContentSecurityPolicy.marco({ collector: 'https://collector.example.com' }).withNonce().toString()
   */
  static marco(options: MarcoCspOptions = {}): ContentSecurityPolicy {
    return new ContentSecurityPolicy(createMarcoCspDirectives(options))
  }

  /**
   * Reads a serialized policy (a header value).
   *
   * @example
   * ContentSecurityPolicy.parse("object-src 'none'").directives['object-src'] // ["'none'"]
   */
  static parse(policy: string): ContentSecurityPolicy {
    return new ContentSecurityPolicy(parseCsp(policy))
  }

  /**
   * The same policy with a nonce in `script-src` (and `style-src`, if present), replacing any earlier nonce.
   * Default: a fresh 144-bit random nonce. Throws a `TypeError` for a value that is not base64 (a header
   * injection attempt or a bug), since this runs on the server, not in a host page.
   *
   * @example
   * const policy = template.withNonce()
   * policy.nonce // 'Vb3q…' (24 characters)
   */
  withNonce(nonce: string = createNonce()): ContentSecurityPolicy {
    if (!NONCE_PATTERN.test(nonce)) throw new TypeError(`CSP nonce must be base64, got ${JSON.stringify(nonce)}`)
    const directives: Record<string, readonly string[] | undefined> = { ...this.directives }
    // A policy with default-src only: script-src from it, else the nonce would not be in the policy at all.
    directives['script-src'] ??= directives['default-src']
    for (const name of ['script-src', 'style-src']) {
      const list = directives[name]
      if (list) directives[name] = [`'nonce-${nonce}'`, ...list.filter((source) => !isNonceSource(source))]
    }
    return new ContentSecurityPolicy(directives)
  }

  /**
   * The same policy with one directive replaced (`undefined` removes it).
   *
   * @example
   * policy.with('img-src', ["'self'", 'https://images.example.com'])
   */
  with(name: string, values: readonly string[] | undefined): ContentSecurityPolicy {
    const directives: Record<string, readonly string[] | undefined> = { ...this.directives, [name]: values }
    if (!values) delete directives[name]
    return new ContentSecurityPolicy(directives)
  }

  /**
   * The header value.
   *
   * @example
   * ContentSecurityPolicy.parse("base-uri 'none'").toString() // "base-uri 'none'"
   */
  toString(): string {
    return serializeCsp(this.directives)
  }

  /**
   * Weaknesses, worst first (see `validateCsp`).
   *
   * @example
   * ContentSecurityPolicy.marco().withNonce().validate().filter((f) => f.severity === 'high') // []
   */
  validate(): CspFinding[] {
    return validateCsp(this.directives)
  }
}

import { ContentSecurityPolicy } from './ContentSecurityPolicy'
import { CSP_REPORT_GROUP, type MarcoCspOptions } from './createMarcoCspDirectives'

/** Header name → value, in the order they should be sent. */
export type SecurityHeaders = Record<string, string>

/** Browser features and who may use them: `[]` = nobody, `['self']`, `['self', 'https://x.example']`, `['*']`. */
export type PermissionsPolicy = Record<string, readonly string[]>

/**
 * Features turned off unless `permissions` allows them (camera, microphone and geolocation as in the plan).
 *
 * @example
 * securityHeaders({ nonce, permissions: { ...DEFAULT_PERMISSIONS, microphone: ['self'] } })
 */
export const DEFAULT_PERMISSIONS: PermissionsPolicy = {
  camera: [],
  microphone: [],
  geolocation: [],
  payment: [],
  usb: [],
}

/**
 * HSTS max-age: two years (the preload list asks for at least one).
 *
 * @example
 * securityHeaders({ nonce, hsts: { maxAgeSec: HSTS_MAX_AGE_SEC, preload: false } })
 */
export const HSTS_MAX_AGE_SEC = 63_072_000

export interface SecurityHeadersOptions extends MarcoCspOptions {
  /**
   * This response's CSP nonce (`createNonce()`), or a server variable that holds one (`'$request_id'` for
   * nginx), or a placeholder a later step replaces (`CSP_NONCE_PLACEHOLDER`).
   */
  readonly nonce: string
  /** A policy to use instead of Marco's default (the nonce is still added). */
  readonly csp?: ContentSecurityPolicy
  /** Send the policy as `Content-Security-Policy-Report-Only` (to trial a change). */
  readonly reportOnly?: boolean
  /** `false` leaves HSTS out (plain-HTTP development). Default two years, subdomains, preload. */
  readonly hsts?:
    | false
    | { readonly maxAgeSec?: number; readonly includeSubDomains?: boolean; readonly preload?: boolean }
  /** Merged over `DEFAULT_PERMISSIONS`, e.g. `{ microphone: ['self'] }` for voice chat. */
  readonly permissions?: PermissionsPolicy
  /** `require-corp` (default; needed for SharedArrayBuffer and wasm threads), `credentialless`, or `false`. */
  readonly crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | false
  /** Default `same-origin`. */
  readonly crossOriginOpenerPolicy?: 'same-origin' | 'same-origin-allow-popups' | 'unsafe-none'
  /** Default `same-origin`; a CDN serving assets to other sites needs `cross-origin`. */
  readonly crossOriginResourcePolicy?: 'same-origin' | 'same-site' | 'cross-origin'
}

const quoteOrigin = (source: string): string => (source === 'self' || source === '*' ? source : `"${source}"`)

/**
 * The production header set, as a plain object for `Response`, Node's `res.writeHead`, Express `res.set`, and
 * the source of the nginx and Cloudflare renderings. The one place any Marco security header is written.
 *
 * @example
 * const nonce = createNonce()
 * res.writeHead(200, { ...securityHeaders({ nonce, reportUri: '/v1/csp', signalling: ['wss://signal.example.com'] }),
 * 'content-type': 'text/html' })
 * res.end(html.replaceAll(CSP_NONCE_PLACEHOLDER, nonce))
 */
export function securityHeaders(options: SecurityHeadersOptions): SecurityHeaders {
  const policy = (options.csp ?? ContentSecurityPolicy.marco(options)).withNonce(options.nonce)
  const headers: SecurityHeaders = {
    [options.reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy']: policy.toString(),
  }
  if (options.hsts !== false) {
    const { maxAgeSec = HSTS_MAX_AGE_SEC, includeSubDomains = true, preload = true } = options.hsts ?? {}
    headers['Strict-Transport-Security'] =
      `max-age=${maxAgeSec}${includeSubDomains ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`
  }
  headers['X-Content-Type-Options'] = 'nosniff'
  headers['X-Frame-Options'] = 'DENY'
  headers['Referrer-Policy'] = 'strict-origin-when-cross-origin'
  headers['Permissions-Policy'] = Object.entries({ ...DEFAULT_PERMISSIONS, ...options.permissions })
    .map(([feature, allow]) =>
      allow.includes('*') ? `${feature}=*` : `${feature}=(${allow.map(quoteOrigin).join(' ')})`,
    )
    .join(', ')
  headers['Cross-Origin-Opener-Policy'] = options.crossOriginOpenerPolicy ?? 'same-origin'
  if (options.crossOriginEmbedderPolicy !== false)
    headers['Cross-Origin-Embedder-Policy'] = options.crossOriginEmbedderPolicy ?? 'require-corp'
  headers['Cross-Origin-Resource-Policy'] = options.crossOriginResourcePolicy ?? 'same-origin'
  if (options.reportUri) {
    // Reporting-Endpoints needs an absolute URL; a relative report-uri still works for report-uri itself.
    const group = options.reportGroup ?? CSP_REPORT_GROUP
    headers['Reporting-Endpoints'] = `${group}="${options.reportUri}"`
  }
  return headers
}

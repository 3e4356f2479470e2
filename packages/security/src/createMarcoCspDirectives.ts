import type { CspDirectives } from './cspTypes'

/** Options of the Marco default policy. */
export interface MarcoCspOptions {
  /** WebSocket signalling servers the app connects to, e.g. `wss://signal.example.com`. */
  readonly signalling?: readonly string[]
  /** The collector (its origin or any URL on it) the SDK sends batches to. */
  readonly collector?: string
  /** Where browsers POST violation reports (`report-uri`, and `report-to` through `Reporting-Endpoints`). */
  readonly reportUri?: string
  /** The `Reporting-Endpoints` group name `report-to` names. Default `csp-endpoint`. */
  readonly reportGroup?: string
  /** Trusted Types policy names the page may create. Default `['marco', 'dompurify']`. */
  readonly trustedTypesPolicies?: readonly string[]
  /** More `connect-src` sources (APIs, TURN over HTTPS, …). */
  readonly connectSrc?: readonly string[]
  /** More `img-src` sources. */
  readonly imgSrc?: readonly string[]
  /** Adds `upgrade-insecure-requests`. Default `true`; turn it off only for plain-HTTP test servers. */
  readonly upgradeInsecureRequests?: boolean
}

/**
 * `report-to` group name used when none is configured; `Reporting-Endpoints` names the same group.
 *
 * @example
 * securityHeaders({ nonce, reportUri })['Reporting-Endpoints'] // `${CSP_REPORT_GROUP}="…"`
 */
export const CSP_REPORT_GROUP = 'csp-endpoint'

const origin = (url: string): string => {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/**
 * The directives of Marco's strict policy, without a nonce (add one per response with
 * `ContentSecurityPolicy.withNonce`). `'strict-dynamic'` lets the nonce'd bootstrap load the app's modules,
 * workers and wasm glue; `https:` and `'unsafe-inline'` are only fallbacks for CSP1/CSP2 browsers, which
 * ignore `'strict-dynamic'` — CSP3 browsers ignore both when a nonce and `'strict-dynamic'` are present.
 *
 * @example
 * createMarcoCspDirectives({ signalling: ['wss://signal.example.com'], collector: 'https://c.example.com'
 * })['connect-src']
 * // ["'self'", 'wss://signal.example.com', 'https://c.example.com']
 */
export function createMarcoCspDirectives(options: MarcoCspOptions = {}): CspDirectives {
  const { reportUri, reportGroup = CSP_REPORT_GROUP } = options
  const connect = ["'self'", ...(options.signalling ?? []).map(origin)]
  if (options.collector) connect.push(origin(options.collector))
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'strict-dynamic'", "'wasm-unsafe-eval'", 'https:', "'unsafe-inline'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:', ...(options.imgSrc ?? [])],
    'font-src': ["'self'"],
    'connect-src': [...new Set([...connect, ...(options.connectSrc ?? [])])],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'require-trusted-types-for': ["'script'"],
    'trusted-types': options.trustedTypesPolicies ?? ['marco', 'dompurify'],
  }
  if (options.upgradeInsecureRequests !== false) directives['upgrade-insecure-requests'] = []
  if (reportUri) {
    directives['report-uri'] = [reportUri]
    directives['report-to'] = [reportGroup]
  }
  return directives
}

import type { IncomingMessage, ServerResponse } from 'node:http'

/** How long a browser may cache a preflight answer, s. */
const PREFLIGHT_MAX_AGE_S = 600

/**
 * Whether a request's origin may use the ingest endpoints: a request without `Origin` (a server, a script)
 * may; a browser request only from an allowed origin (`*` in the list allows all). Ours reject every origin
 * until one is allowed.
 *
 * @example
 * isOriginAllowed('https://app.example', ['https://app.example']) // true
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes('*') || allowed.includes(origin)
}

/**
 * Adds the CORS headers for an allowed origin (and `Vary: Origin`, so caches keep answers apart). For a
 * preflight (`OPTIONS`) it answers at once: 204 for an allowed origin, 403 otherwise. Returns whether the
 * request was answered.
 *
 * @example
 * if (applyCors(req, res, options.allowedOrigins)) return
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin
  res.setHeader('vary', 'Origin')
  const ok = origin !== undefined && isOriginAllowed(origin, allowed)
  if (ok) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('access-control-expose-headers', 'Retry-After')
  }
  if (req.method !== 'OPTIONS') return false
  if (!ok) {
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' })
    res.end(
      JSON.stringify({
        error: 'origin_not_allowed',
        message: `origin ${origin ?? '(none)'} is not in the collector's allowed origins`,
      }),
    )
    return true
  }
  res.writeHead(204, {
    'access-control-allow-methods': 'POST, OPTIONS',
    // application/json and application/reports+json are not CORS-safelisted: they need this preflight.
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
  })
  res.end()
  return true
}

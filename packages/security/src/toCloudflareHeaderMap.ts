import type { SecurityHeaders } from './securityHeaders'

/**
 * Renders headers as the map a Cloudflare Worker sets on each response: lower-case names (as `Headers`
 * stores them), plus the headers a worker should remove from the origin's response (`null` values:
 * `Server` banners and `X-Powered-By` reveal software versions).
 *
 * @example
 * const nonce = createNonce()
 * const map = toCloudflareHeaderMap(securityHeaders({ nonce, reportUri: 'https://collector.example.com/v1/csp' }))
 * const headers = new Headers(response.headers)
 * for (const [name, value] of Object.entries(map)) value === null ? headers.delete(name) : headers.set(name, value)
 */
export function toCloudflareHeaderMap(headers: SecurityHeaders): Record<string, string | null> {
  const map: Record<string, string | null> = { 'x-powered-by': null, server: null }
  for (const [name, value] of Object.entries(headers)) map[name.toLowerCase()] = value
  return map
}

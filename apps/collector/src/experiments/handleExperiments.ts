import type { IncomingMessage, ServerResponse } from 'node:http'
import { isOriginAllowed } from '../applyCors'
import { sendJson } from '../sendJson'
import type { ExperimentsService } from './createExperimentsService'

const MAX_PARAMETER_LENGTH = 300

/**
 * `GET /v1/experiments`: the definitions, for browsers (no read token: they hold no collected data; CORS for
 * the allowed origins; `ETag` and `304 Not Modified` for `If-None-Match`, `no-cache` so browsers revalidate).
 * `GET /v1/experiments/results?conversion=<track name>&metric=<spec>`: the results (behind the read token,
 * which the router checks). Returns false for any other path.
 *
 * @example
 * if (handleExperiments(req, res, url, context.experiments, context.allowedOrigins)) return
 */
export function handleExperiments(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  service: ExperimentsService | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (!service || (url.pathname !== '/v1/experiments' && url.pathname !== '/v1/experiments/results')) return false
  if (url.pathname === '/v1/experiments') {
    const origin = req.headers.origin
    const headers: Record<string, string> = { etag: service.etag, 'cache-control': 'no-cache', vary: 'Origin' }
    if (origin !== undefined && isOriginAllowed(origin, allowedOrigins)) headers['access-control-allow-origin'] = origin
    if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(service.etag)) {
      res.writeHead(304, headers)
      res.end()
      return true
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(service.definitionsBody),
      ...headers,
    })
    res.end(req.method === 'HEAD' ? undefined : service.definitionsBody)
    return true
  }
  const query: { conversion?: string; metric?: string } = {}
  for (const name of ['conversion', 'metric'] as const) {
    const value = url.searchParams.get(name)
    if (value === null) continue
    if (!value || value.length > MAX_PARAMETER_LENGTH) {
      sendJson(res, 400, { error: 'invalid_query', message: `${name} must be 1 to ${MAX_PARAMETER_LENGTH} characters` })
      return true
    }
    query[name] = value
  }
  const answer = service.results(query)
  if (typeof answer === 'string') sendJson(res, 400, { error: 'invalid_query', message: answer })
  else sendJson(res, 200, answer)
  return true
}

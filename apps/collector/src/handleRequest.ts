import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyCors } from './applyCors'
import type { CollectorContext } from './context'
import { handleBatch } from './handleBatch'
import { handleCspReport } from './handleCspReport'
import { handleExperiments } from './experiments/handleExperiments'
import { handleReadApi } from './handleReadApi'
import { handleSourceMaps } from './handleSourceMaps'
import { hasReadToken } from './hasReadToken'
import { isHostAllowed } from './isHostAllowed'
import type { DashboardHandler } from './loadDashboard'
import { invalidUrl, parseRequestUrl } from './parseRequestUrl'
import { sendJson } from './sendJson'

const INGEST: Record<string, (req: IncomingMessage, res: ServerResponse, context: CollectorContext) => Promise<void>> =
  {
    '/v1/batch': handleBatch,
    '/v1/csp-report': handleCspReport,
  }

/** What the read token guards: everything that shows stored data. The dashboard's script and style are code only. */
const READ_PATHS = new Set([
  '/v1/events',
  '/v1/stats',
  '/v1/alerts',
  '/v1/stream',
  '/dashboard',
  '/v1/experiments/results',
  '/v1/releases',
])

/**
 * Routes one request. First the `Host` header must name this collector (421 otherwise: DNS rebinding) and the
 * request target must be a URL (400 `invalid_url` otherwise). Then the ingest endpoints (with CORS), `/healthz` (a
 * real write probe: 503 when the store cannot write), and, behind the read token when one is set (401 otherwise),
 * the JSON read API, the event stream and the dashboard. Anything else is a JSON 404.
 *
 * @example
 * createServer((req, res) => void handleRequest(req, res, context, dashboard))
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  context: CollectorContext,
  dashboard: DashboardHandler,
): Promise<void> {
  res.setHeader('x-content-type-options', 'nosniff')
  res.setHeader('referrer-policy', 'no-referrer')
  if (!isHostAllowed(req.headers.host, context.allowedHosts)) {
    req.resume()
    return sendJson(res, 421, {
      error: 'host_not_allowed',
      message: `this collector does not answer for host ${String(req.headers.host ?? '(none)').slice(0, 100)}; add it to allowedHosts`,
    })
  }
  const url = parseRequestUrl(req)
  if (!url) {
    req.resume()
    return sendJson(res, 400, invalidUrl(req))
  }
  const path = url.pathname
  const ingest = INGEST[path]
  if (ingest) {
    if (applyCors(req, res, context.allowedOrigins)) return
    return ingest(req, res, context)
  }
  if (path === '/v1/sourcemaps') return handleSourceMaps(req, res, url, context)
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    req.resume()
    return sendJson(
      res,
      405,
      { error: 'method_not_allowed', message: `${req.method} ${path} is not allowed` },
      { allow: 'GET, HEAD' },
    )
  }
  if (path === '/healthz') return answerHealth(res, context)
  if (READ_PATHS.has(path) && !hasReadToken(req, url, context.readToken)) {
    return sendJson(
      res,
      401,
      { error: 'unauthorized', message: 'send the read token: Authorization: Bearer <token>, or ?token=<token>' },
      { 'www-authenticate': 'Bearer realm="marco-collector"' },
    )
  }
  if (path === '/v1/stream') return context.stream.handle(req, res)
  if (handleExperiments(req, res, url, context.experiments, context.allowedOrigins)) return
  if (handleReadApi(res, path, url.searchParams, context)) return
  if (path === '/') {
    res.writeHead(302, { location: `/dashboard${url.search}` })
    return void res.end()
  }
  if (dashboard(req, res, path)) return
  sendJson(res, 404, { error: 'not_found', message: `nothing at ${path}` })
}

/** `/healthz`: ok only when the database file is the one opened and a row can be written to it. */
function answerHealth(res: ServerResponse, context: CollectorContext): void {
  const now = context.clock.now()
  let problem = context.database.fault()
  if (!problem) {
    try {
      context.store.probeWrite(now)
    } catch (error) {
      problem = `the database cannot be written: ${(error as Error).message}`
    }
  }
  if (problem) return sendJson(res, 503, { status: 'error', message: problem, time: now })
  sendJson(res, 200, { status: 'ok', time: now })
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import { applyCors } from './applyCors'
import type { CollectorContext } from './context'
import { handleBatch } from './handleBatch'
import { handleCspReport } from './handleCspReport'
import type { DashboardHandler } from './loadDashboard'
import { sendJson } from './sendJson'

const INGEST: Record<string, (req: IncomingMessage, res: ServerResponse, context: CollectorContext) => Promise<void>> = {
  '/v1/batch': handleBatch,
  '/v1/csp-report': handleCspReport,
}

/**
 * Routes one request: the ingest endpoints (with CORS), the JSON read API, the event stream, the dashboard
 * and `/healthz`. Anything else is a JSON 404.
 *
 * @example
 * createServer((req, res) => void handleRequest(req, res, context, dashboard))
 */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, context: CollectorContext, dashboard: DashboardHandler): Promise<void> {
  res.setHeader('x-content-type-options', 'nosniff')
  res.setHeader('referrer-policy', 'no-referrer')
  const url = new URL(req.url ?? '/', 'http://collector')
  const path = url.pathname
  const ingest = INGEST[path]
  if (ingest) {
    if (applyCors(req, res, context.allowedOrigins)) return
    return ingest(req, res, context)
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendJson(res, 405, { error: 'method_not_allowed', message: `${req.method} ${path} is not allowed` }, { allow: 'GET, HEAD' })
  }
  const query = url.searchParams
  switch (path) {
    case '/healthz':
      return sendJson(res, 200, { status: 'ok', time: context.clock.now() })
    case '/v1/events':
      return sendJson(res, 200, {
        events: context.store.listEvents({
          type: query.get('type') || undefined,
          category: query.get('category') || undefined,
          sessionId: query.get('sessionId') || undefined,
          limit: Number(query.get('limit') || 100),
        }),
      })
    case '/v1/stats':
      return sendJson(res, 200, {
        ...context.store.stats(context.clock.now()),
        budgets: { collabP95Ms: context.alertRules.collabP95Ms ?? false, inpMs: context.alertRules.inpMs ?? false, errorRatePerMinute: context.alertRules.errorRatePerMinute ?? false },
      })
    case '/v1/alerts':
      return sendJson(res, 200, { alerts: context.store.listAlerts(Number(query.get('limit') || 50)) })
    case '/v1/stream':
      return context.stream.handle(req, res)
    case '/':
      res.writeHead(302, { location: '/dashboard' })
      return void res.end()
  }
  if (dashboard(req, res, path)) return
  sendJson(res, 404, { error: 'not_found', message: `nothing at ${path}` })
}

import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CollectorContext } from './context'
import { guardIngest } from './guardIngest'
import { parseCspReports } from './parseCspReports'
import { sendJson } from './sendJson'

/** `report-uri` sends application/csp-report, `report-to` application/reports+json; some browsers send JSON. */
const REPORT_CONTENT_TYPES = ['application/csp-report', 'application/reports+json', 'application/json']

/**
 * `POST /v1/csp-report`: Content-Security-Policy violation reports straight from browsers, in either format,
 * stored as `csp_violation` crash events. Answers 204 (browsers ignore the body) or a 4xx JSON error.
 *
 * @example
 * // Content-Security-Policy: …; report-uri https://collector.example/v1/csp-report; report-to csp
 * await handleCspReport(req, res, context)
 */
export async function handleCspReport(req: IncomingMessage, res: ServerResponse, context: CollectorContext): Promise<void> {
  const ingest = await guardIngest(req, res, context, REPORT_CONTENT_TYPES)
  if (ingest === undefined) return
  const body = ingest.body
  let parsed: ReturnType<typeof parseCspReports>
  try {
    parsed = parseCspReports(body, context.clock.now())
  } catch (error) {
    return sendJson(res, 400, { error: 'invalid_report', message: (error as Error).message })
  }
  const { stored } = context.store.insertBatch({ events: parsed.events, sdk: 'browser csp-report', receivedAt: context.clock.now() })
  res.writeHead(204, { 'x-marco-stored': String(stored), 'x-marco-ignored': String(parsed.ignored) })
  res.end()
  if (stored) context.stream.changed(stored)
}

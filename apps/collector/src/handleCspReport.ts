import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CollectorContext } from './context'
import { guardIngest } from './guardIngest'
import { parseCspReports } from './parseCspReports'
import { sendJson } from './sendJson'
import { writeOrRefuse } from './writeOrRefuse'

/** `report-uri` sends application/csp-report, `report-to` application/reports+json; some browsers send JSON. */
const REPORT_CONTENT_TYPES = ['application/csp-report', 'application/reports+json', 'application/json']

/** CSP reports alike in directive, blocked URI and document are counted together within this window. */
export const CSP_WINDOW_MS = 60_000

/**
 * `POST /v1/csp-report`: Content-Security-Policy violation reports straight from browsers, in either format,
 * stored as `csp_violation` crash events — one per (directive, blocked URI, document) and minute, whose
 * `count` rises with each repeat, so a flood of one violation is one row. At most `MAX_CSP_REPORTS_PER_BODY`
 * reports are read per body. Answers 204 (browsers ignore the body) with `x-marco-stored`, `x-marco-counted`
 * (repeats added to an event's count) and `x-marco-ignored`, or a 4xx JSON error (503 when the store cannot
 * write).
 *
 * @example
 * // Content-Security-Policy: …; report-uri https://collector.example/v1/csp-report; report-to csp
 * await handleCspReport(req, res, context)
 */
export async function handleCspReport(
  req: IncomingMessage,
  res: ServerResponse,
  context: CollectorContext,
): Promise<void> {
  const ingest = await guardIngest(req, res, context, REPORT_CONTENT_TYPES)
  if (ingest === undefined) return
  const body = ingest.body
  let parsed: ReturnType<typeof parseCspReports>
  try {
    parsed = parseCspReports(body, context.clock.now())
  } catch (error) {
    return sendJson(res, 400, { error: 'invalid_report', message: (error as Error).message })
  }
  const result = writeOrRefuse(res, context, () =>
    context.store.insertCspReports(parsed.events, CSP_WINDOW_MS, context.clock.now()),
  )
  if (result === undefined) return
  res.writeHead(204, {
    'x-marco-stored': String(result.stored),
    'x-marco-counted': String(result.counted),
    'x-marco-ignored': String(parsed.ignored),
  })
  res.end()
  if (result.stored || result.counted) context.stream.changed(result.stored)
}

import { randomUUID } from 'node:crypto'
import type { IncomingEvent } from './createStore'

type Loose = Record<string, any>

/** CSP violation reports read from one body; the rest are counted as ignored. */
export const MAX_CSP_REPORTS_PER_BODY = 100

const text = (value: unknown, max = 2048): string | undefined =>
  typeof value === 'string' && value ? value.slice(0, max) : undefined
const int = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined

/**
 * Turns a CSP report body into `csp_violation` events shaped like the crash reporter's (directive,
 * blockedUri, sourceFile, line, column, disposition, sample), plus the document and the policy. Reads both
 * formats: `report-uri` (`{"csp-report": {...}}` with dashed keys) and the Reporting API (`report-to`: an
 * array of `{type: "csp-violation", age, url, body: {...}}` with camelCase keys). Reports of other types, and
 * those past `MAX_CSP_REPORTS_PER_BODY` in one body, are counted as ignored. Throws a `TypeError` naming the problem
 * when the body is neither.
 *
 * @example
 * parseCspReports({ 'csp-report': { 'violated-directive': 'script-src', 'blocked-uri': 'inline' } }, Date.now())
 * // { events: [{ type: 'csp_violation', payload: { directive: 'script-src', blockedUri: 'inline', … } }], ignored: 0 }
 */
export function parseCspReports(body: unknown, now: number): { events: IncomingEvent[]; ignored: number } {
  const event = (payload: Record<string, unknown>, ts: number): IncomingEvent => ({
    id: randomUUID(),
    type: 'csp_violation',
    category: 'crash',
    ts,
    sessionId: '',
    payload: Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined)),
  })
  if (Array.isArray(body)) {
    const events: IncomingEvent[] = []
    let ignored = 0
    for (const report of body as Loose[]) {
      if (events.length >= MAX_CSP_REPORTS_PER_BODY) {
        ignored++
        continue
      }
      if (
        !report ||
        typeof report !== 'object' ||
        report.type !== 'csp-violation' ||
        !report.body ||
        typeof report.body !== 'object'
      ) {
        ignored++
        continue
      }
      const b = report.body as Loose
      events.push(
        event(
          {
            format: 'reporting-api',
            level: 'warning',
            directive: text(b.effectiveDirective) ?? text(b.violatedDirective),
            blockedUri: text(b.blockedURL) ?? text(b.blockedURI),
            documentUrl: text(b.documentURL) ?? text(report.url),
            sourceFile: text(b.sourceFile),
            line: int(b.lineNumber),
            column: int(b.columnNumber),
            disposition: text(b.disposition),
            sample: text(b.sample, 256),
            statusCode: int(b.statusCode),
            policy: text(b.originalPolicy, 4096),
            userAgent: text(report.user_agent, 512),
          },
          now - Math.max(0, int(report.age) ?? 0),
        ),
      )
    }
    return { events, ignored }
  }
  const report = body && typeof body === 'object' ? (body as Loose)['csp-report'] : undefined
  if (!report || typeof report !== 'object') {
    throw new TypeError(
      'expected a report-uri body ({"csp-report": {...}}) or a Reporting API array ([{"type": "csp-violation", "body": {...}}])',
    )
  }
  return {
    events: [
      event(
        {
          format: 'report-uri',
          level: 'warning',
          directive: text(report['effective-directive']) ?? text(report['violated-directive']),
          blockedUri: text(report['blocked-uri']),
          documentUrl: text(report['document-uri']),
          sourceFile: text(report['source-file']),
          line: int(report['line-number']),
          column: int(report['column-number']),
          disposition: text(report.disposition),
          sample: text(report['script-sample'], 256),
          statusCode: int(report['status-code']),
          policy: text(report['original-policy'], 4096),
        },
        now,
      ),
    ],
    ignored: 0,
  }
}

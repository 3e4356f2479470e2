import type { ServerResponse } from 'node:http'
import type { CollectorContext } from './context'
import { parseQuery } from './parseQuery'
import { sendJson } from './sendJson'

const EVENTS_QUERY = {
  type: { text: 200 },
  category: { text: 50 },
  sessionId: { text: 64 },
  limit: { integer: [1, Number.MAX_SAFE_INTEGER], default: 100, cap: 1_000 },
} as const
const ALERTS_QUERY = { limit: { integer: [1, Number.MAX_SAFE_INTEGER], default: 50, cap: 1_000 } } as const

/**
 * The JSON read API: `GET /v1/events` (`type`, `category`, `sessionId`, `limit`), `/v1/stats` (what the
 * dashboard draws) and `/v1/alerts` (`limit`). `limit` is an integer ≥ 1, lowered to 1,000. A malformed
 * parameter is a 400 naming it. Returns false
 * for any other path.
 *
 * @example
 * if (handleReadApi(res, '/v1/events', url.searchParams, context)) return
 */
export function handleReadApi(
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  context: CollectorContext,
): boolean {
  const invalid = (message: string) => sendJson(res, 400, { error: 'invalid_query', message })
  switch (path) {
    case '/v1/events': {
      const parsed = parseQuery(query, EVENTS_QUERY)
      if (parsed.error !== undefined) invalid(parsed.error)
      else
        sendJson(res, 200, {
          events: context.store
            .listEvents(parsed.values)
            .map((event) => context.sourceMaps?.symbolicateEvent(event) ?? event),
        })
      return true
    }
    case '/v1/stats': {
      const rules = context.alertRules
      sendJson(res, 200, {
        ...withOriginalFrames(context.store.stats(context.clock.now()), context),
        budgets: {
          collabP95Ms: rules.collabP95Ms ?? false,
          inpMs: rules.inpMs ?? false,
          errorRatePerMinute: rules.errorRatePerMinute ?? false,
        },
      })
      return true
    }
    case '/v1/releases':
      sendJson(res, 200, {
        releases: context.releases?.releases() ?? [],
        crashFreeSessionsPercent: context.alertRules.crashFreeSessionsPercent ?? false,
      })
      return true
    case '/v1/alerts': {
      const parsed = parseQuery(query, ALERTS_QUERY)
      if (parsed.error !== undefined) invalid(parsed.error)
      else sendJson(res, 200, { alerts: context.store.listAlerts(parsed.values.limit) })
      return true
    }
  }
  return false
}

/** The top errors with their release and the original positions of their frames (minified ones kept). */
function withOriginalFrames<T extends { topErrors: { fingerprint: string; frames: object[] }[] }>(
  stats: T,
  context: CollectorContext,
): T {
  const maps = context.sourceMaps
  return maps ? { ...stats, topErrors: stats.topErrors.map((group) => maps.symbolicateGroup(group)) } : stats
}

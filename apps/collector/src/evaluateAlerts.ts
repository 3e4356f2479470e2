import type { AlertDraft, Store } from './createStore'
import type { AlertRules } from './types'

/** The rules as `startCollector` fills them in. */
export const DEFAULT_ALERT_RULES: Required<AlertRules> = {
  errorRatePerMinute: 10,
  newFingerprint: true,
  collabP95Ms: 150,
  inpMs: 200,
  crashFreeSessionsPercent: 99,
  crashFreeMinSessions: 10,
}

const MINUTE_MS = 60_000
/** INP is judged at p75 (the Core Web Vitals convention) over this window. */
const INP_WINDOW_MS = 5 * MINUTE_MS
/** Error groups a grouped new-fingerprint alert lists (its `total` counts them all). */
export const MAX_GROUPS_LISTED = 100

/** An alert to raise; `afterStore` runs once it is stored (a new fingerprint is marked announced only then). */
export type PendingAlert = AlertDraft & { afterStore?: () => void }

/**
 * Runs the alert rules once over what the store received (server receive times, so client clock skew does
 * not matter): exceptions in the last minute, exception fingerprints not announced before (one alert per run:
 * a single new group by name, several as one grouped alert listing them), the worst p95 collaboration
 * latency of the last minute, the p75 INP of the last 5 minutes. Each rule runs on its own: one that throws is
 * reported through `onRuleError` and the others still run. Returns the alerts to raise; the caller applies
 * cooldowns, stores them and then calls their `afterStore`.
 *
 * @example
 * evaluateAlerts(store, DEFAULT_ALERT_RULES, Date.now())
 * // [{ rule: 'error_rate', key: 'error_rate', message: '14 exceptions in the last minute (limit 10)', … }]
 */
export function evaluateAlerts(
  store: Store,
  rules: AlertRules,
  now: number,
  onRuleError: (rule: string, error: unknown) => void = () => {},
): PendingAlert[] {
  const alerts: PendingAlert[] = []
  const raise = (
    rule: string,
    key: string,
    message: string,
    value: number | null,
    threshold: number | null,
    details: Record<string, unknown> = {},
    afterStore?: () => void,
  ) => alerts.push({ ts: now, rule, key, message, value, threshold, details, afterStore })
  const run = (rule: string, check: () => void) => {
    try {
      check()
    } catch (error) {
      onRuleError(rule, error)
    }
  }

  const errorRate = limit(rules.errorRatePerMinute)
  if (errorRate) {
    run('error_rate', () => {
      const count = store.exceptionsSince(now - MINUTE_MS)
      if (count > errorRate)
        raise(
          'error_rate',
          'error_rate',
          `${count} exceptions in the last minute (limit ${errorRate})`,
          count,
          errorRate,
        )
    })
  }
  run('new_fingerprint', () => {
    const { total, upTo, groups } = store.newErrorGroups(MAX_GROUPS_LISTED)
    const markAnnounced = () => store.markAnnounced(upTo)
    // Marked whether the rule is on or not: turning it on later must not announce every old error at once.
    if (!rules.newFingerprint || !total) return markAnnounced()
    const first = groups[0]!
    if (total === 1) {
      raise(
        'new_fingerprint',
        first.fingerprint,
        `new error: ${first.type}: ${first.message}`.slice(0, 500),
        first.count,
        null,
        { fingerprint: first.fingerprint, type: first.type, message: first.message },
        markAnnounced,
      )
      return
    }
    raise(
      'new_fingerprint',
      first.fingerprint,
      `${total} new errors, first: ${first.type}: ${first.message}`.slice(0, 500),
      total,
      null,
      {
        total,
        listed: groups.length,
        groups: groups.map(({ fingerprint, type, message, count }) => ({ fingerprint, type, message, count })),
      },
      markAnnounced,
    )
  })
  const collabBudget = limit(rules.collabP95Ms)
  if (collabBudget) {
    run('collab_p95', () => {
      const { worst, count } = store.worstSince('collab.p95', now - MINUTE_MS)
      if (worst !== null && worst > collabBudget) {
        raise(
          'collab_p95',
          'collab_p95',
          `collaboration latency p95 ${Math.round(worst)} ms over the ${collabBudget} ms budget`,
          worst,
          collabBudget,
          { windows: count },
        )
      }
    })
  }
  const inpBudget = limit(rules.inpMs)
  if (inpBudget) {
    run('inp', () => {
      const { value: p75, count } = store.quantileSince('vital.INP', now - INP_WINDOW_MS, 0.75)
      if (p75 !== null && p75 > inpBudget) {
        raise(
          'inp',
          'inp',
          `INP p75 ${Math.round(p75)} ms over the ${inpBudget} ms budget (${count} reports)`,
          p75,
          inpBudget,
          { reports: count },
        )
      }
    })
  }
  return alerts
}

/** A rule's threshold when it is on (a positive number), else undefined. */
function limit(value: number | false | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined
}

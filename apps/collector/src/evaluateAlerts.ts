import type { AlertDraft, Store } from './createStore'
import { percentile } from './percentile'
import type { AlertRules } from './types'

/** The rules as `startCollector` fills them in. */
export const DEFAULT_ALERT_RULES: Required<AlertRules> = {
  errorRatePerMinute: 10,
  newFingerprint: true,
  collabP95Ms: 150,
  inpMs: 200,
}

const MINUTE_MS = 60_000
/** INP is judged at p75 (the Core Web Vitals convention) over this window. */
const INP_WINDOW_MS = 5 * MINUTE_MS

/**
 * Runs the alert rules once over what the store received (server receive times, so client clock skew does
 * not matter): exceptions in the last minute, exception fingerprints not seen by an earlier run, the worst p95
 * collaboration latency of the last minute, the p75 INP of the last 5 minutes. Returns the alerts to raise;
 * the caller applies cooldowns and stores them.
 *
 * @example
 * evaluateAlerts(store, DEFAULT_ALERT_RULES, Date.now())
 * // [{ rule: 'error_rate', key: 'error_rate', message: '14 exceptions in the last minute (limit 10)', … }]
 */
export function evaluateAlerts(store: Store, rules: AlertRules, now: number): AlertDraft[] {
  const alerts: AlertDraft[] = []
  const raise = (rule: string, key: string, message: string, value: number | null, threshold: number | null, details: Record<string, unknown> = {}) =>
    alerts.push({ ts: now, rule, key, message, value, threshold, details })

  if (rules.errorRatePerMinute !== false && rules.errorRatePerMinute !== undefined && rules.errorRatePerMinute > 0) {
    const count = store.exceptionsSince(now - MINUTE_MS)
    if (count > rules.errorRatePerMinute) {
      raise('error_rate', 'error_rate', `${count} exceptions in the last minute (limit ${rules.errorRatePerMinute})`, count, rules.errorRatePerMinute)
    }
  }
  // Taken whether the rule is on or not: turning it on later must not announce every old error at once.
  const groups = store.takeNewErrorGroups()
  if (rules.newFingerprint) {
    for (const group of groups) {
      raise('new_fingerprint', group.fingerprint, `new error: ${group.type}: ${group.message}`.slice(0, 500), group.count, null, { fingerprint: group.fingerprint, type: group.type, message: group.message })
    }
  }
  if (rules.collabP95Ms !== false && rules.collabP95Ms !== undefined && rules.collabP95Ms > 0) {
    const values = store.samplesSince('collab.p95', now - MINUTE_MS)
    const worst = values.length ? Math.max(...values) : 0
    if (worst > rules.collabP95Ms) {
      raise('collab_p95', 'collab_p95', `collaboration latency p95 ${Math.round(worst)} ms over the ${rules.collabP95Ms} ms budget`, worst, rules.collabP95Ms, { windows: values.length })
    }
  }
  if (rules.inpMs !== false && rules.inpMs !== undefined && rules.inpMs > 0) {
    const values = store.samplesSince('vital.INP', now - INP_WINDOW_MS).sort((a, b) => a - b)
    const p75 = percentile(values, 0.75)
    if (p75 !== null && p75 > rules.inpMs) {
      raise('inp', 'inp', `INP p75 ${Math.round(p75)} ms over the ${rules.inpMs} ms budget (${values.length} reports)`, p75, rules.inpMs, { reports: values.length })
    }
  }
  return alerts
}

import type { ReleaseHealth } from './createReleaseHealth'
import type { PendingAlert } from './evaluateAlerts'

/** When the crash-free rule speaks. */
export interface CrashFreeRule {
  /** Alert when a release's crash-free sessions fall below this percentage; `false` or `0` is off. */
  percent: number | false
  /** Releases with fewer sessions are not judged (one crashed session of two is not a trend). */
  minSessions: number
}

/** Releases seen within this are judged; older ones are history. */
const ACTIVE_MS = 24 * 3_600_000

/**
 * The release-health alert rule: one alert (key = the release) for each release seen in the last 24 hours,
 * with at least `minSessions` sessions, whose crash-free sessions are below `percent`. Runs on its own beside
 * the other rules (a failure is reported through `onRuleError`).
 *
 * @example
 * evaluateReleaseAlerts(() => health.releases(), { percent: 99, minSessions: 10 }, Date.now())
 * // [{ rule: 'crash_free_sessions', key: '2.0.3', message: 'release 2.0.3: 97.5 % crash-free sessions (40 sessions),
 * under 99 %', … }]
 */
export function evaluateReleaseAlerts(
  releases: () => readonly ReleaseHealth[],
  rule: CrashFreeRule,
  now: number,
  onRuleError: (rule: string, error: unknown) => void = () => {},
): PendingAlert[] {
  const percent = rule.percent
  if (typeof percent !== 'number' || percent <= 0) return []
  try {
    return releases()
      .filter(
        (release) =>
          release.lastSeen >= now - ACTIVE_MS &&
          release.sessions >= rule.minSessions &&
          release.crashFreeRate * 100 < percent,
      )
      .map((release) => {
        const name = release.release ?? '(no release)'
        const rate = Math.floor(release.crashFreeRate * 1000) / 10
        return {
          ts: now,
          rule: 'crash_free_sessions',
          key: name,
          message:
            `release ${name}: ${rate} % crash-free sessions (${release.sessions} sessions), under ${percent} %`.slice(
              0,
              500,
            ),
          value: release.crashFreeRate * 100,
          threshold: percent,
          details: {
            release: release.release,
            sessions: release.sessions,
            crashedSessions: release.crashedSessions,
            errorsPer1000Interactions: release.errorsPer1000Interactions,
          },
        }
      })
  } catch (error) {
    onRuleError('crash_free_sessions', error)
    return []
  }
}

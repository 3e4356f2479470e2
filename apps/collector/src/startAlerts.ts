import type { Store } from './createStore'
import { evaluateAlerts } from './evaluateAlerts'
import { evaluateReleaseAlerts } from './evaluateReleaseAlerts'
import type { ReleaseHealth } from './createReleaseHealth'
import type { WebhookSender } from './createWebhookSender'
import type { Alert, AlertRules, Clock } from './types'

export interface AlertLoopOptions {
  store: Store
  rules: AlertRules
  clock: Clock
  intervalMs: number
  cooldownMs: number
  /** Where alerts are POSTed, when a webhook is configured. */
  webhook?: WebhookSender
  /** Hears each stored alert (the stream announces it). */
  onAlert?: (alert: Alert) => void
  log?: (message: string) => void
  /** Release health for the crash-free rule (`rules.crashFreeSessionsPercent`). */
  releases?: () => readonly ReleaseHealth[]
}

export interface AlertLoop {
  /** Runs the rules now; resolves with the alerts raised once their webhook calls are done. */
  check(): Promise<Alert[]>
  /** Stops the timer and waits for webhook calls in flight. */
  stop(): Promise<void>
}

/**
 * Runs the alert rules every `intervalMs`: each alert is stored, announced, and POSTed to the webhook (its
 * status stored with it; the sender caps concurrency and rate). The same rule and key is not raised again within
 * `cooldownMs` (also across
 * restarts: the last alerts are read back at start).
 *
 * @example
 * const loop = startAlerts({ store, rules: DEFAULT_ALERT_RULES, clock: Date, intervalMs: 5000, cooldownMs: 300_000,
 * webhook })
 * await loop.stop()
 */
export function startAlerts(options: AlertLoopOptions): AlertLoop {
  const { store, rules, clock, cooldownMs, webhook, onAlert, log } = options
  const lastRaised = new Map<string, number>()
  for (const alert of store.listAlerts(500).reverse()) lastRaised.set(`${alert.rule}|${alert.key}`, alert.ts)
  let running: Promise<Alert[]> | undefined

  async function run(): Promise<Alert[]> {
    const now = clock.now()
    const onRuleError = (rule: string, error: unknown) =>
      log?.(`alert rule ${rule} failed: ${(error as Error).message}`)
    const pending = evaluateAlerts(store, rules, now, onRuleError)
    if (options.releases) {
      const rule = { percent: rules.crashFreeSessionsPercent ?? false, minSessions: rules.crashFreeMinSessions ?? 10 }
      pending.push(...evaluateReleaseAlerts(options.releases, rule, now, onRuleError))
    }
    const raised: Alert[] = []
    for (const { afterStore, ...draft } of pending) {
      const key = `${draft.rule}|${draft.key}`
      const last = lastRaised.get(key)
      if (last !== undefined && now - last < cooldownMs) continue
      let alert: Alert
      try {
        alert = store.insertAlert(draft)
        afterStore?.()
      } catch (error) {
        // Not stored: the next run raises it again (a new fingerprint stays unannounced until then).
        log?.(`alert ${key} could not be stored: ${(error as Error).message}`)
        continue
      }
      lastRaised.set(key, now)
      raised.push(alert)
      onAlert?.(alert)
    }
    if (webhook) {
      await Promise.all(
        raised.map(async (alert) => {
          const result = await webhook.send(alert)
          alert.webhook = result
          if (!result.startsWith('2')) log?.(`alert webhook: ${result}`)
          try {
            store.setWebhookResult(alert.id, result)
          } catch {
            // The database closed while the webhook answered (shutdown): the alert itself is stored.
          }
        }),
      )
    }
    return raised
  }

  const check = (): Promise<Alert[]> => {
    // One evaluation at a time: a slow webhook must not let the next tick evaluate the same window twice.
    const next = (running ?? Promise.resolve([])).catch(() => []).then(run)
    running = next
    return next
  }

  const timer = setInterval(() => {
    check().catch((error: unknown) => log?.(`alert rules failed: ${(error as Error).message}`))
  }, options.intervalMs)
  timer.unref()

  return {
    check,
    async stop() {
      clearInterval(timer)
      await running?.catch(() => undefined)
      await webhook?.drain()
    },
  }
}

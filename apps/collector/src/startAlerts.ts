import type { Store } from './createStore'
import { evaluateAlerts } from './evaluateAlerts'
import { postWebhook } from './postWebhook'
import type { Alert, AlertRules, Clock } from './types'

export interface AlertLoopOptions {
  store: Store
  rules: AlertRules
  clock: Clock
  intervalMs: number
  cooldownMs: number
  webhookUrl?: string
  /** Hears each stored alert (the stream announces it). */
  onAlert?: (alert: Alert) => void
  log?: (message: string) => void
}

export interface AlertLoop {
  /** Runs the rules now; resolves with the alerts raised once their webhook calls are done. */
  check(): Promise<Alert[]>
  /** Stops the timer and waits for webhook calls in flight. */
  stop(): Promise<void>
}

/**
 * Runs the alert rules every `intervalMs`: each alert is stored, announced, and POSTed to the webhook (its
 * status stored with it). The same rule and key is not raised again within `cooldownMs` (also across
 * restarts: the last alerts are read back at start).
 *
 * @example
 * const loop = startAlerts({ store, rules: DEFAULT_ALERT_RULES, clock: Date, intervalMs: 5000, cooldownMs: 300_000 })
 * await loop.stop()
 */
export function startAlerts(options: AlertLoopOptions): AlertLoop {
  const { store, rules, clock, cooldownMs, webhookUrl, onAlert, log } = options
  const lastRaised = new Map<string, number>()
  for (const alert of store.listAlerts(500).reverse()) lastRaised.set(`${alert.rule}|${alert.key}`, alert.ts)
  const inFlight = new Set<Promise<unknown>>()
  let running: Promise<Alert[]> | undefined

  async function run(): Promise<Alert[]> {
    const now = clock.now()
    const drafts = evaluateAlerts(store, rules, now)
    const raised: Alert[] = []
    for (const draft of drafts) {
      const key = `${draft.rule}|${draft.key}`
      const last = lastRaised.get(key)
      if (last !== undefined && now - last < cooldownMs) continue
      lastRaised.set(key, now)
      const alert = store.insertAlert(draft)
      raised.push(alert)
      onAlert?.(alert)
    }
    if (webhookUrl) {
      await Promise.all(
        raised.map(async (alert) => {
          const call = postWebhook(webhookUrl, alert)
          inFlight.add(call)
          const result = await call.finally(() => inFlight.delete(call))
          alert.webhook = result
          if (result.startsWith('error') || !result.startsWith('2')) log?.(`alert webhook ${webhookUrl}: ${result}`)
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
      await Promise.allSettled([...inFlight])
    },
  }
}

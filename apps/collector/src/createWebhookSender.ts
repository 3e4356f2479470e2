import { postWebhook } from './postWebhook'
import type { Alert, Clock } from './types'

export interface WebhookSenderOptions {
  url: string
  /** POSTs in flight at once. */
  concurrency: number
  /** POSTs started per minute (a sliding minute); an alert past it is not sent. */
  perMinute: number
  clock: Clock
}

export interface WebhookSender {
  /**
   * Sends one alert when the rate allows: resolves to the HTTP status, `error: …`, or `skipped: rate limit …`. Never
   * rejects.
   */
  send(alert: Alert): Promise<string>
  /** Waits for the POSTs queued or in flight. */
  drain(): Promise<void>
}

/**
 * Delivers alerts to a webhook without flooding it: at most `concurrency` POSTs at once (the rest wait their
 * turn) and at most `perMinute` per sliding minute (past it an alert is recorded as skipped, not queued: a
 * burst cannot build a backlog).
 *
 * @example
 * const webhook = createWebhookSender({ url: 'https://hooks.example/marco', concurrency: 4, perMinute: 30, clock: Date
 * })
 * await webhook.send(alert) // '200'
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const { url, concurrency, perMinute, clock } = options
  const started: number[] = []
  const waiting: Array<() => void> = []
  const pending = new Set<Promise<string>>()
  let active = 0

  const slot = (): Promise<void> => {
    if (active < concurrency) {
      active++
      return Promise.resolve()
    }
    return new Promise((resolve) => waiting.push(resolve))
  }
  const release = (): void => {
    const next = waiting.shift()
    if (next) next()
    else active--
  }

  return {
    send(alert) {
      const now = clock.now()
      while (started.length && now - started[0]! >= 60_000) started.shift()
      if (started.length >= perMinute) return Promise.resolve(`skipped: rate limit (${perMinute} per minute)`)
      started.push(now)
      const call = slot().then(() => postWebhook(url, alert).finally(release))
      pending.add(call)
      void call.finally(() => pending.delete(call))
      return call
    },
    async drain() {
      await Promise.allSettled([...pending])
    },
  }
}

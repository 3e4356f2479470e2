import { globalScope, parseRetryAfter, type GlobalScope, type Transport } from '@marco/core'
import { toSentryEvent } from './toSentryEvent'

/**
 * Where `createSentryTransport` sends.
 *
 * @example
 * const options: SentryTransportOptions = { dsn: 'https://abc@o1.ingest.sentry.io/42' }
 */
export interface SentryTransportOptions {
  /** The project's DSN, `https://<public key>@<host>/<project id>`. */
  dsn: string
  scope?: GlobalScope
}

/**
 * A core `Transport` that sends a batch's crash events to Sentry (or any server that accepts Sentry
 * envelopes) as one envelope: `POST /api/<project>/envelope/` with the DSN key in the query (no preflight).
 * Events of other categories are skipped. 429, `X-Sentry-Rate-Limits` (for the `error` category or all) and
 * `Retry-After` become `{ result: 'retry', retryAfterMs }`, and batches wait until the limit ends; 5xx and
 * network errors retry; other 4xx drop.
 *
 * @example
 * new EventQueue({ transport: createSentryTransport({ dsn: 'https://abc@o1.ingest.sentry.io/42' }) })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createSentryTransport(options: SentryTransportOptions): Transport {
  const { dsn, scope = globalScope } = options
  const url = new URL(dsn)
  const endpoint = `${url.protocol}//${url.host}${url.pathname.replace(/\/[^/]*$/, '')}/api/${url.pathname.split('/').pop()}/envelope/?sentry_key=${url.username}&sentry_version=7&sentry_client=marco.crash-reporter%2F0.1.0`
  let limitedUntil = 0
  return {
    async send(batch, { unloading }) {
      const events = batch.events.filter((event) => event.category == 'crash')
      if (!events.length) return { result: 'sent' }
      const now = Date.now()
      if (now < limitedUntil) return { result: 'retry', retryAfterMs: limitedUntil - now }
      const body = [
        JSON.stringify({ sent_at: new Date(now).toISOString(), dsn }),
        ...events.flatMap((event) => [JSON.stringify({ type: 'event' }), JSON.stringify(toSentryEvent(event))]),
      ].join('\n')
      let response: Response
      try {
        response = await scope.fetch!(endpoint, { method: 'POST', body, keepalive: unloading, credentials: 'omit', headers: { 'content-type': 'text/plain;charset=UTF-8' } })
      } catch {
        return { result: 'retry' }
      }
      const { status, headers } = response
      let waitMs = parseRetryAfter(headers.get('retry-after'), now)
      // `retry_after:categories:scope[:reason], …` — a limit for errors (or for everything, no categories).
      for (const limit of (headers.get('x-sentry-rate-limits') ?? '').split(',')) {
        const [seconds, categories = ''] = limit.trim().split(':')
        if (seconds && (!categories || categories.split(';').includes('error'))) waitMs = Math.max(waitMs ?? 0, +seconds * 1000 || 0)
      }
      if (waitMs !== undefined && (status == 429 || headers.has('x-sentry-rate-limits'))) limitedUntil = now + waitMs
      if (status == 429 || status >= 500 || status == 408) return { result: 'retry', status, retryAfterMs: waitMs ?? 60_000 }
      return { result: status < 300 ? 'sent' : 'dropped', status }
    },
  }
}

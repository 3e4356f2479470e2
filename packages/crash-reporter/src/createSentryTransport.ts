import { createHttpTransport, parseRetryAfter, type GlobalScope, type Transport } from '@marco/core'
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
 * An encoder on core's `createHttpTransport`: events of other categories, and the reporter's `crash_count`
 * records (Sentry has no item for a bare count), are left out and counted as filtered. 429, `X-Sentry-Rate-Limits` (for the `error` category or all; on a success too) and `Retry-After`
 * become the wait the queue holds to; 5xx and network errors retry; other 4xx drop.
 *
 * @example
 * new EventQueue({ transport: createSentryTransport({ dsn: 'https://abc@o1.ingest.sentry.io/42' }) })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createSentryTransport(options: SentryTransportOptions): Transport {
  const { dsn, scope } = options
  const url = new URL(dsn)
  const transport = createHttpTransport({
    url: `${url.protocol}//${url.host}${url.pathname.replace(/\/[^/]*$/, '')}/api/${url.pathname.split('/').pop()}/envelope/?sentry_key=${url.username}&sentry_version=7&sentry_client=marco.crash-reporter%2F0.1.0`,
    scope,
    encode(batch) {
      const events = batch.events.filter((event) => event.category === 'crash' && event.type !== 'crash_count')
      if (!events.length) return undefined
      const header = JSON.stringify({ sent_at: new Date().toISOString(), dsn })
      const items = events.flatMap((event) => [JSON.stringify({ type: 'event' }), JSON.stringify(toSentryEvent(event))])
      return { body: [header, ...items].join('\n'), filtered: batch.events.length - events.length }
    },
    retryAfter({ status, headers }, nowMs) {
      let waitMs = parseRetryAfter(headers.get('retry-after'), nowMs)
      // `retry_after:categories:scope[:reason], …` — a limit for errors (or for everything, no categories).
      for (const limit of (headers.get('x-sentry-rate-limits') ?? '').split(',')) {
        const [seconds, categories = ''] = limit.trim().split(':')
        if (seconds && (!categories || categories.split(';').includes('error')))
          waitMs = Math.max(waitMs ?? 0, +seconds * 1000 || 0)
      }
      // Sentry's rule for a 429 without either header: wait a minute.
      return waitMs ?? (status === 429 ? 60_000 : undefined)
    },
  })
  // One event per envelope: Sentry refuses an envelope with a second event item (DuplicateItem).
  return { ...transport, maxBatchEvents: 1 }
}

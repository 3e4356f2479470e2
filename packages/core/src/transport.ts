import { globalScope, type GlobalScope } from './scope'
import type { WireBatch } from './wire'

/** How one attempt went. `retryAfterMs` is the server's own wait (`Retry-After`), when it gave one. */
export interface SendResult {
  readonly result: 'sent' | 'retry' | 'dropped'
  readonly retryAfterMs?: number
  /** The HTTP status, when there was a response. */
  readonly status?: number
}

export interface SendOptions {
  /** The page is being hidden or unloaded: the request must survive it (`keepalive` / `sendBeacon`). */
  readonly unloading: boolean
  /** `batch` as JSON, already built by the queue (adapters that reformat the batch ignore it). */
  readonly body: string
}

/**
 * Delivers one batch. Resolves to a result value and never rejects (OTel's `ExportResult`): `sent` (the
 * server has it), `retry` (try again later, after `retryAfterMs` when given), `dropped` (the server refused it
 * for good).
 */
export interface Transport {
  send(batch: WireBatch, options: SendOptions): Promise<SendResult>
}

export interface FetchTransportOptions {
  /** Where batches go, e.g. `https://collector.example.com/v1/batch`. */
  endpoint: string
  /** Per-request time-out; a request that takes longer is aborted and retried. Default 10 s. */
  timeoutMs?: number
  /** Extra request headers (e.g. an ingest key). A non-safelisted header makes the browser send a preflight. */
  headers?: Record<string, string>
  scope?: GlobalScope
}

/**
 * The browser transport: `fetch` POST, `keepalive` while unloading (the queue keeps those bodies inside the
 * browser's 64 KiB keepalive budget), or `navigator.sendBeacon` while unloading where `keepalive` is not
 * supported. The body is sent as `text/plain` so no CORS preflight is needed — the same
 * request `sendBeacon` makes, and one that survives page unload in every browser.
 * HTTP 2xx → `sent`; 408, 429, 5xx and network errors → `retry` (honouring `Retry-After` in seconds or as an
 * HTTP date); any other status → `dropped`.
 *
 * @example
 * const transport = createFetchTransport({ endpoint: 'https://collector.example.com/v1/batch' })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const { endpoint, timeoutMs = 10_000, headers, scope = globalScope } = options
  return {
    async send(_batch, { unloading, body }) {
      let response: Response
      try {
        // Browsers without `keepalive` (Firefox before 133) cancel a fetch when the page goes; a beacon
        // survives. Elsewhere fetch is preferred: its answer says whether the server really took the batch.
        if (unloading && typeof Request === 'function' && !('keepalive' in Request.prototype)) {
          return { result: scope.navigator!.sendBeacon(endpoint, body) ? 'sent' : 'retry' }
        }
        response = await scope.fetch!(endpoint, {
          method: 'POST',
          body,
          keepalive: unloading,
          credentials: 'omit',
          headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch {
        // A network failure, the time-out, or no fetch at all: the events wait (in storage, across reloads).
        return { result: 'retry' }
      }
      return toSendResult(response)
    },
  }
}

/**
 * What an HTTP answer means for a batch, for every transport: 2xx → `sent`; a status `isRetryable` accepts
 * (default 408, 429 and 5xx) → `retry`, with the server's `Retry-After` (seconds or HTTP date) when given;
 * any other → `dropped`.
 *
 * @example
 * return toSendResult(await fetch(url, init), (status) => status === 429 || (status >= 502 && status <= 504))
 */
export function toSendResult(response: Response, isRetryable = (status: number) => status === 408 || status === 429 || status >= 500): SendResult {
  const status = response.status
  if (status < 300) return { result: 'sent', status }
  if (!isRetryable(status)) return { result: 'dropped', status }
  return { result: 'retry', status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), Date.now()) }
}

/**
 * Reads an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns milliseconds
 * to wait, or `undefined` when absent or unreadable. A date in the past means 0.
 *
 * @example
 * parseRetryAfter('2', Date.now()) // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.now())
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (seconds >= 0) return seconds * 1000
  // An HTTP-date always names its day and month; without letters Date.parse would accept '-5' as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN
  return date >= 0 ? Math.max(0, date - nowMs) : undefined
}

import { globalScope, type GlobalScope } from './scope'
import type { WireBatch } from './wire'

/** How one attempt went. `retryAfterMs` is the server's own wait (`Retry-After`), when it gave one. */
export interface SendResult {
  /** `sent` (the server has it), `retry` (try again later), `dropped` (refused for good). */
  readonly result: 'sent' | 'retry' | 'dropped'
  /** The server's wait before the next request (on `sent` too: a rate limit announced on success). */
  readonly retryAfterMs?: number
  /** The HTTP status, when there was a response. */
  readonly status?: number
  /** Events of the batch this endpoint does not carry (an adapter's other categories): left out, not sent. */
  readonly filtered?: number
}

export interface SendOptions {
  /** The page is being hidden or unloaded: the request must survive it (`keepalive`). */
  readonly unloading: boolean
  /** `batch` as JSON, already built by the queue (adapters that reformat the batch ignore it). */
  readonly body: string
}

/**
 * Delivers one batch. Resolves to a result value and never rejects (OTel's `ExportResult`).
 */
export interface Transport {
  send(batch: WireBatch, options: SendOptions): Promise<SendResult>
  /** The most events the endpoint takes in one request (e.g. Segment's 500 KB batches); queues keep within it. */
  readonly maxBatchEvents?: number
}

/** What an encoder makes of a batch: the request body, and how many of the batch's events it left out. */
export interface EncodedBatch {
  readonly body: string
  readonly filtered?: number
}

export interface HttpTransportOptions {
  /** Where batches go, e.g. `https://collector.example.com/v1/batch`. */
  url: string
  /**
   * Turns a batch into a request body (a wire adapter: Sentry envelope, OTLP, Segment); `undefined` when the
   * batch holds nothing this endpoint carries (then no request is made and every event counts as filtered).
   * Default: the SDK's own JSON batch as the queue built it.
   */
  encode?: (batch: WireBatch, body: string) => EncodedBatch | undefined
  /** Request headers. `content-type` defaults to `text/plain;charset=UTF-8`, which needs no CORS preflight. */
  headers?: Record<string, string>
  /**
   * Gzip bodies of 1 KiB and more with `CompressionStream`, naming the encoding in the URL
   * (`?encoding=gzip`) rather than in a header, so the request stays CORS-simple. Never while unloading
   * (that request must start synchronously). Default: on for the SDK's own wire (no `encode`), off for adapters.
   */
  compress?: boolean
  /** Which error statuses are worth retrying. Default 408, 429 and 5xx. */
  isRetryable?: (status: number) => boolean
  /** Reads a server's own wait from a response (e.g. a rate-limit header); default `Retry-After`. */
  retryAfter?: (response: Response, nowMs: number) => number | undefined
  /** Per-request time-out; a request that takes longer is aborted and retried. Default 10 s. */
  timeoutMs?: number
  scope?: GlobalScope
}

/** Bodies below this are sent as they are: gzip's header and the async step are not worth it. */
export const COMPRESS_MIN_BYTES = 1024

/**
 * The one HTTP sender of the SDK: `fetch` POST with a time-out, no credentials, `keepalive` while unloading
 * (the queue keeps those bodies inside the browser's 64 KiB keepalive budget), gzip where it pays, and one
 * mapping of the answer (`toSendResult`).
 * Wire adapters are encoders on top of it.
 *
 * @example
 * const transport = createHttpTransport({ url: 'https://collector.example.com/v1/batch' })
 * const sentry = createHttpTransport({ url: envelopeUrl, encode: (batch) => toEnvelope(batch) })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const {
    url,
    encode,
    headers,
    compress = !encode,
    isRetryable,
    // Also on a success: a server may announce a rate limit with one.
    retryAfter = (response, nowMs) => parseRetryAfter(response.headers.get('retry-after'), nowMs),
    timeoutMs = 10_000,
    scope = globalScope,
  } = options
  return {
    async send(batch, { unloading, body: queueBody }) {
      const encoded = encode ? encode(batch, queueBody) : { body: queueBody }
      if (!encoded) return { result: 'sent', filtered: batch.events.length }
      const { body, filtered } = encoded
      const result = (sent: SendResult): SendResult =>
        filtered && sent.result === 'sent' ? { ...sent, filtered } : sent
      try {
        // `keepalive` rather than `sendBeacon` (every current engine has it; Firefox since 133): its answer says
        // whether the server really took the batch.
        const gzip = compress && !unloading && body.length >= COMPRESS_MIN_BYTES && scope.CompressionStream
        const response = await scope.fetch!(gzip ? `${url}${url.includes('?') ? '&' : '?'}encoding=gzip` : url, {
          method: 'POST',
          body: gzip ? await new Response(new Response(body).body!.pipeThrough(new gzip('gzip'))).arrayBuffer() : body,
          keepalive: unloading,
          credentials: 'omit',
          headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
          signal: AbortSignal.timeout(timeoutMs),
        })
        const sent = toSendResult(response, isRetryable)
        const waitMs = retryAfter(response, Date.now())
        return result(waitMs === undefined ? sent : { ...sent, retryAfterMs: waitMs })
      } catch {
        // A network failure, the time-out, or no fetch at all: the events wait (in storage, across reloads).
        return result({ result: 'retry' })
      }
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
export function toSendResult(
  response: Response,
  isRetryable = (status: number) => status === 408 || status === 429 || status >= 500,
): SendResult {
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

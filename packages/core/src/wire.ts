import type { ConsentCategory } from './Consent'

/** The version of the wire format this SDK writes (`schema/batch.v1.json`). */
export const WIRE_VERSION = 1

/** The most events one batch may carry (`events.maxItems` of the schema). */
export const MAX_BATCH_EVENTS = 1_000

/**
 * Collaboration latency histogram bounds, ms: the one bucket set every collaboration-latency histogram on the wire
 * uses (`hist[i]` counts values at or above `bounds[i - 1]` and below `bounds[i]`; the last bucket is open).
 * Analytics' `canvas_summary`, performance analytics' `perf_summary` and the collector's percentiles all read it
 * from here, so a bucket changed here changes everywhere at once.
 *
 * @example
 * const hist = new Array<number>(COLLAB_LATENCY_BOUNDS_MS.length + 1).fill(0)
 */
export const COLLAB_LATENCY_BOUNDS_MS = [10, 25, 50, 100, 150, 250, 500, 1000] as const

/** Why an accepted event was not delivered. */
export type DropReason =
  /** The queue passed `maxQueueEvents` / `maxQueueBytes`: the oldest events went. */
  | 'queue_full'
  /** One event alone was larger than `maxBatchBytes`. */
  | 'too_large'
  /** The event could not be turned into JSON at all. */
  | 'unserializable'
  /** The event lacked an id, type, category, timestamp, session id or payload object. */
  | 'invalid'
  /** The server refused the batch with a 4xx other than 408/429 (`status` says which). */
  | 'rejected'
  /** Consent for the category was revoked while the event waited. */
  | 'consent_revoked'

/** Every `DropReason`, as the wire schema lists them. */
export const DROP_REASONS: readonly DropReason[] = [
  'queue_full',
  'too_large',
  'unserializable',
  'invalid',
  'rejected',
  'consent_revoked',
]

/** The largest drop count the wire schema takes (a batch with a larger one is refused whole). */
export const MAX_DROP_COUNT = 1_000_000_000

/** Events of one category dropped for one reason since the last delivered batch. */
export interface DropCount {
  readonly category: ConsentCategory
  readonly reason: DropReason
  readonly count: number
  /** The HTTP status, for `rejected`. */
  readonly status?: number
}

/** One event on the wire. */
export interface WireEvent {
  readonly id: string
  readonly type: string
  readonly category: ConsentCategory
  readonly ts: number
  readonly sessionId: string
  readonly payload: Record<string, unknown>
}

/** What a transport sends: one JSON document, `schema/batch.v1.json`. */
export interface WireBatch {
  readonly v: typeof WIRE_VERSION
  /** Wall-clock milliseconds when this attempt was sent (lets the server correct client clock skew). */
  readonly sentAt: number
  readonly sdk: { readonly name: string; readonly version: string }
  /** Context shared by the batch's events (page, device, locale), when a feature provides it. */
  readonly context?: Record<string, unknown>
  readonly dropped: readonly DropCount[]
  readonly events: readonly WireEvent[]
}

import type { HistogramSummary } from './summary'

/** What every analytics payload carries besides its own fields. */
export interface AnalyticsIdentity {
  /** This browser's anonymous id (a new one after `reset()`). */
  readonly anonymousId: string
  /** The id given to `identify()`, scrubbed; absent before. */
  readonly userId?: string
}

/** The payload of a `track` event. */
export interface TrackPayload extends AnalyticsIdentity {
  readonly name: string
  /** Super properties and the call's own, as JSON data, scrubbed. */
  readonly properties?: Record<string, unknown>
}

/** The payload of a `page` event. */
export interface PagePayload extends AnalyticsIdentity {
  readonly name?: string
  /** Scrubbed: personal data in the query or fragment is filtered. */
  readonly url: string
  readonly path: string
  readonly title?: string
  readonly referrer?: string
  readonly properties?: Record<string, unknown>
}

/** The payload of an `identify` event (the user id itself is `userId`). */
export interface IdentifyPayload extends AnalyticsIdentity {
  readonly traits?: Record<string, unknown>
}

/** The payload of a `session_end` event. */
export interface SessionEndPayload extends AnalyticsIdentity {
  readonly durationMs: number
  /** `timeout`, `max_age` or `reset`. */
  readonly reason: string
}

/**
 * The payload of a `canvas_summary` event: one window of pre-aggregated canvas, gesture, collaboration and frame
 * input. Each `HistogramSummary` uses the `BOUNDS` entry of its measure: `canvas.*` `BOUNDS.durationMs`,
 * `collaboration.users` `BOUNDS.users`, `collaboration.latencyMs` `BOUNDS.latencyMs` (`@marco/core`'s
 * `COLLAB_LATENCY_BOUNDS_MS`), `performance.fps` `BOUNDS.fps`, `performance.memoryMb` `BOUNDS.memoryMb`.
 */
export interface CanvasSummaryPayload extends AnalyticsIdentity {
  readonly windowStart: number
  readonly windowMs: number
  /** Per canvas action (`draw`, `erase`, …), its durations in ms. */
  readonly canvas: Record<string, HistogramSummary>
  readonly gestures: Record<string, { readonly count: number; readonly success: number }>
  readonly collaboration?: { readonly users: HistogramSummary; readonly latencyMs?: HistogramSummary }
  readonly performance?: { readonly fps: HistogramSummary; readonly memoryMb?: HistogramSummary }
  /** Inputs dropped or clamped in the window, by reason (`too_many_keys`, …). */
  readonly rejected: Record<string, number>
}

/**
 * The payload of each event type analytics sends (category `analytics`), by type.
 *
 * @example
 * const summary = event.payload as AnalyticsPayloads['canvas_summary']
 * summary.collaboration?.latencyMs?.hist // counts over BOUNDS.latencyMs
 */
export interface AnalyticsPayloads {
  readonly track: TrackPayload
  readonly page: PagePayload
  readonly identify: IdentifyPayload
  readonly session_start: AnalyticsIdentity
  readonly session_end: SessionEndPayload
  readonly canvas_summary: CanvasSummaryPayload
}

/**
 * The event types analytics sends.
 *
 * @example
 * const type: AnalyticsEventType = 'canvas_summary'
 */
export type AnalyticsEventType = keyof AnalyticsPayloads

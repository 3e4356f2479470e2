import type { AnalyticsPayloads } from '@marco/analytics'
import type { CrashPayloads } from '@marco/crash-reporter'
import type { PerformancePayloads } from '@marco/performance-analytics'
import type { ExperimentsOptions } from './experiments/createExperimentsService'

/** Every payload the SDK's packages send, by event type, as those packages type them. */
export type SdkPayloads = AnalyticsPayloads & PerformancePayloads & CrashPayloads

/**
 * A payload as it may arrive: the producer's type with every part optional (an older SDK leaves parts out; the
 * schema checks the shape of what is there).
 *
 * @example
 * const vital = payload as Received<SdkPayloads['web_vital']>
 */
export type Received<T> = T extends readonly (infer U)[]
  ? readonly Received<U>[]
  : T extends object
    ? { readonly [K in keyof T]?: Received<T[K]> }
    : T

/** Wall-clock time, injectable so tests control windows and cooldowns. */
export interface Clock {
  now(): number
}

/** When the collector raises an alert. A rule left out (or `0`/`false`) is off. */
export interface AlertRules {
  /** Crash `exception` events (each weighted by its `count`) in the last minute above this. Default 10. */
  errorRatePerMinute?: number | false
  /** An error fingerprint never seen before. Default true. */
  newFingerprint?: boolean
  /** p95 collaboration latency (the worst window reported in the last minute) above this, ms. Default 150. */
  collabP95Ms?: number | false
  /** p75 of the INP values reported in the last 5 minutes above this, ms. Default 200. */
  inpMs?: number | false
  /** A release (seen in the last 24 h) whose crash-free sessions fall below this percentage. Default 99. */
  crashFreeSessionsPercent?: number | false
  /** Releases with fewer sessions are not judged by `crashFreeSessionsPercent`. Default 10. */
  crashFreeMinSessions?: number
}

/** Requests one client (remote address) may make per window on the ingest endpoints. */
export interface RateLimit {
  readonly requests: number
  readonly windowMs: number
}

export interface CollectorOptions {
  /** TCP port; `0` picks a free one. Default 4318. */
  port?: number
  /** Default `127.0.0.1`. */
  host?: string
  /** SQLite file; created with its directory. Default `./marco-collector.db`. */
  dbPath?: string
  /** Origins allowed to POST from a browser (exact `scheme://host:port`, or `*`). Default none. */
  allowedOrigins?: readonly string[]
  /** Per-client rate on the ingest endpoints; `false` for none. Default 100 requests per second. */
  rateLimit?: RateLimit | false
  /** Alerts are POSTed here as JSON, when set. */
  webhookUrl?: string
  alerts?: AlertRules
  /** How often alert rules run. Default 5,000 ms. */
  alertIntervalMs?: number
  /** The same alert (rule and key) is not raised again within this. Default 5 min. */
  alertCooldownMs?: number
  /** Largest request body (after gzip inflation too). Default 1 MiB. */
  maxBodyBytes?: number
  /**
   * Bearer token for the read API, `/v1/stream` and the dashboard (`Authorization: Bearer …`, or `?token=…`
   * where a header cannot be set). Required when `host` is not a loopback address; optional on loopback.
   */
  readToken?: string
  /**
   * Names the `Host` header may carry (without port; `*` for any), against DNS rebinding. Default the bound
   * host, `localhost`, `127.0.0.1` and `[::1]`.
   */
  allowedHosts?: readonly string[]
  /** Dashboard event streams held at once; more get 503. Default 100. */
  maxStreams?: number
  /** Rows older than this many days are deleted (every table), hourly. `0` keeps everything. Default 7. */
  retentionDays?: number
  /** Webhook POSTs in flight at once. Default 4. */
  webhookConcurrency?: number
  /** Webhook POSTs per minute; alerts past it are stored with `webhook: "skipped: rate limit"`. Default 30. */
  webhookPerMinute?: number
  clock?: Clock
  /** Experiment definitions served at `/v1/experiments` and the results' settings (`/v1/experiments/results`). */
  experiments?: ExperimentsOptions
  /** Directory of source maps named like the built assets (`main-023OTBM6.js.map`), for any release. Never a URL. */
  sourceMapsDir?: string
  /** Bearer token for `POST /v1/sourcemaps`; without it uploads are refused (403). */
  uploadToken?: string
  /** Largest source map accepted (upload or `sourceMapsDir`). Default 16 MiB. */
  maxSourceMapBytes?: number
  /** Where the collector logs (start, webhook failures, storage faults). Default none. */
  log?: (message: string) => void
}

/** One stored event as the read API returns it. */
export interface StoredEvent {
  id: string
  type: string
  category: string
  ts: number
  receivedAt: number
  sessionId: string
  sdk: string
  payload: Record<string, unknown>
}

/** One raised alert. */
export interface Alert {
  id: number
  ts: number
  rule: string
  key: string
  message: string
  value: number | null
  threshold: number | null
  details: Record<string, unknown>
  /** The webhook's HTTP status, `error: …`, or `null` when no webhook is configured. */
  webhook: string | null
}

/** A running collector. */
export interface Collector {
  /** `http://HOST:PORT` */
  readonly url: string
  readonly port: number
  /**
   * Runs the alert rules now (also run every `alertIntervalMs`); resolves with the new alerts once the webhook
   * answered.
   */
  checkAlerts(): Promise<Alert[]>
  /** Deletes what is older than `retentionDays` now (also run hourly); resolves with the rows deleted per table. */
  applyRetention(): Promise<Record<string, number>>
  /**
   * Stops accepting connections, lets in-flight requests finish, ends streams, closes the database. Safe to call twice.
   */
  close(): Promise<void>
}

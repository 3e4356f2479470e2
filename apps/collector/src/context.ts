import type { ExperimentsService } from './experiments/createExperimentsService'
import type { ReleaseHealthService } from './createReleaseHealth'
import type { SourceMaps } from './createSourceMaps'
import type { BatchValidator } from './loadBatchValidator'
import type { RateLimiter } from './createRateLimiter'
import type { Store } from './createStore'
import type { Stream } from './createStream'
import type { AlertRules, Clock } from './types'
import type { DatabaseFileWatch } from './watchDatabaseFile'

/** What every request handler uses: built once by `startCollector`. */
export interface CollectorContext {
  readonly store: Store
  /** Whether the database file is still the one opened (deleted or replaced → ingest 503). */
  readonly database: DatabaseFileWatch
  readonly validate: BatchValidator
  readonly limiter: RateLimiter | undefined
  readonly stream: Stream
  readonly clock: Clock
  readonly allowedOrigins: readonly string[]
  /** Host names the `Host` header may carry (`*`: any). */
  readonly allowedHosts: readonly string[]
  /** The read API's token, when one is configured. */
  readonly readToken: string | undefined
  readonly maxBodyBytes: number
  /** The alert rules in force (the dashboard draws their budgets). */
  readonly alertRules: AlertRules
  readonly log?: (message: string) => void
  /** Experiment definitions and results (`/v1/experiments`, `/v1/experiments/results`). */
  readonly experiments?: ExperimentsService
  /** Source maps (uploads, `sourceMapsDir`) and frame symbolication for the read API. */
  readonly sourceMaps?: SourceMaps
  /** The token `POST /v1/sourcemaps` needs; uploads are refused without one. */
  readonly uploadToken?: string
  /** Largest source map upload. Default 16 MiB. */
  readonly maxSourceMapBytes?: number
  /** Per-session release and counts behind `/v1/releases` and the crash-free rule. */
  readonly releases?: ReleaseHealthService
}

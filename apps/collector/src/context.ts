import type { ExperimentsService } from './experiments/createExperimentsService'
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
}

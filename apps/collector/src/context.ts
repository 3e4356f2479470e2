import type { BatchValidator } from './loadBatchValidator'
import type { RateLimiter } from './createRateLimiter'
import type { Store } from './createStore'
import type { Stream } from './createStream'
import type { AlertRules, Clock } from './types'

/** What every request handler uses: built once by `startCollector`. */
export interface CollectorContext {
  readonly store: Store
  readonly validate: BatchValidator
  readonly limiter: RateLimiter | undefined
  readonly stream: Stream
  readonly clock: Clock
  readonly allowedOrigins: readonly string[]
  readonly maxBodyBytes: number
  /** The alert rules in force (the dashboard draws their budgets). */
  readonly alertRules: AlertRules
}

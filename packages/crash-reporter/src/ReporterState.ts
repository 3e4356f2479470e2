import type { CoreContext, JsonValue, Scrubber } from '@marco/core'
import type { RateLimiter } from './createRateLimiter'
import type { Breadcrumb, CrashReporterOptions } from './types'

/**
 * What a `CrashReporter` holds, shared by the functions that do its work (the class stays thin). Its fields
 * carry no `_` prefix: the build shortens `_` names with one table for all files (so either would work), and these
 * are the shape every module of the reporter reads, named for reading.
 *
 * @example
 * const state: ReporterState = { options: {}, crumbs: [], recent: [], tags: {}, contexts: {}, busy: false, scrubber,
 * limit }
 */
export interface ReporterState {
  options: CrashReporterOptions
  context?: CoreContext
  scrubber: Scrubber
  limit: RateLimiter
  crumbs: Breadcrumb[]
  /** The last exception payloads sent, for `generateErrorReport`. */
  recent: Record<string, unknown>[]
  /** The last performance issues, for `generateErrorReport`. */
  perf: Record<string, unknown>[]
  tags: Record<string, string>
  user?: JsonValue
  contexts: Record<string, JsonValue>
  /** Set while the reporter itself runs: what happens meanwhile is not captured again (no recursion). */
  busy: boolean
}

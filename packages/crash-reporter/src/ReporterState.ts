import type { CoreContext, JsonValue, Scrubber } from '@marco/core'
import type { Breadcrumb, CrashReporterOptions } from './types'

/**
 * What a `CrashReporter` holds, shared by the functions that do its work (the class stays thin). Its fields
 * carry no `_` prefix on purpose: the build renames `_` fields per output file, and these are read across files.
 *
 * @example
 * const state: ReporterState = { options: {}, crumbs: [], recent: [], tags: {}, contexts: {}, busy: false, scrubber,
 * limit }
 */
export interface ReporterState {
  options: CrashReporterOptions
  context?: CoreContext
  scrubber: Scrubber
  limit: (key: string, nowMs: number) => number
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

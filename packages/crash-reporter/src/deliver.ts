import { createEvent, utf8Length, type JsonValue } from '@marco/core'
import { callHook } from './callHook'
import type { ReporterState } from './ReporterState'
import type { CrashEnvelope, CrashPayloads } from './types'

/**
 * The wire types of the crash reporter's events. `crash_count` is the compact record of occurrences counted and not
 * sent (`{ fingerprint, count }`, see `flushCounts`).
 *
 * @example
 * const type: CrashEventType = 'csp_violation'
 */
export type CrashEventType = 'exception' | 'message' | 'performance_issue' | 'csp_violation' | 'crash_count'

/** Exception payloads kept for `generateErrorReport`. */
const RECENT_ERRORS = 10
/**
 * UTF-8 bytes of a payload the queue takes whole: one event must fit a keepalive request (64 KiB, less the batch
 * envelope), or the queue drops it as too large. Past it, the oldest breadcrumbs go first.
 */
const MAX_PAYLOAD_BYTES = 56 * 1024

/**
 * The one way out for every crash event: only with `crash` consent, counted instead of sent while the rate
 * limiter says so, enriched (tags, user, contexts, breadcrumbs, page URL, release), scrubbed, passed through
 * `beforeSend`, and pushed to the queue. `build` runs only for events that are sent, so a repeat costs
 * nearly nothing. Returns whether the event was queued.
 *
 * @example
 * deliver(state, 'message', 'msg|info|hello', () => ({ message: 'hello', level: 'info' }))
 */
export function deliver<T extends Exclude<CrashEventType, 'crash_count'>>(
  state: ReporterState,
  type: T,
  key: string,
  // Its own fields (typed by CrashPayloads, so the wire cannot drift from them) and the capture's own tags.
  build: () => Omit<CrashPayloads[T], Exclude<keyof CrashEnvelope, 'level'>> & { tags?: JsonValue },
): boolean {
  const context = state.context
  if (!context || state.busy || !context.consent.isGranted('crash')) return false
  state.busy = true
  try {
    const count = state.limit(key, context.clock.monotonic())
    if (!count) return false
    const { release, environment, beforeSend } = state.options
    const { tags, ...payload } = build()
    const href = context.scope.location?.href
    const scrubbed = state.scrubber.value({
      ...payload,
      fingerprint: key,
      count,
      url: href && state.scrubber.url(href),
      tags: { ...state.tags, ...(tags as object) },
      user: state.user,
      contexts: state.contexts,
      breadcrumbs: state.crumbs.slice(),
    })
    // Thirty breadcrumbs of up to 4 KiB each would make every later event too large to send: the oldest go.
    const crumbs: unknown[] = scrubbed.breadcrumbs ?? []
    for (let bytes = utf8Length(JSON.stringify(scrubbed)); bytes > MAX_PAYLOAD_BYTES && crumbs.length; )
      bytes -= utf8Length(JSON.stringify(crumbs.shift())) + 1
    // Settings, not user data, and left unscrubbed: `app@1.2.3` would read as an email address.
    const event = callHook(
      context.monitor,
      beforeSend,
      createEvent(context, 'crash', type, { release, environment, ...scrubbed }),
    )
    if (!event) return false
    context.queue.push(event)
    const list = type === 'exception' ? state.recent : type === 'performance_issue' ? state.perf : undefined
    if (list && list.push(event.payload) > RECENT_ERRORS) list.shift()
    return true
  } finally {
    state.busy = false
  }
}

import { createEvent } from '@marco/core'
import { callHook } from './callHook'
import type { RateLimiter } from './createRateLimiter'
import type { ReporterState } from './ReporterState'

/**
 * Hands every occurrence the rate limiter counted and did not send to the queue: one compact `crash_count` record
 * per fingerprint (`{ fingerprint, count }`, `crash` category; the fingerprint scrubbed like the one on the events
 * it counts), through `beforeSend` like every crash event. The counts are forgotten only once handed over: without a context, or while the reporter is busy, they
 * wait for the next time; without `crash` consent they are dropped, as every crash event is.
 *
 * @example
 * flushCounts(state) // pushes { type: 'crash_count', payload: { fingerprint: 'TypeError|x|draw', count: 9999 } }
 */
export function flushCounts(state: ReporterState): void {
  const context = state.context
  if (!context || state.busy) return
  // Built by createRateLimiter (CrashReporter's constructor); `ReporterState` types only its call.
  const counts = (state.limit as RateLimiter).take()
  if (!context.consent.isGranted('crash')) return
  state.busy = true
  try {
    for (const [fingerprint, count] of counts) {
      const event = callHook(
        context.monitor,
        state.options.beforeSend,
        // Scrubbed as the events it counts were (frame URLs are in it), so the fingerprints match.
        createEvent(context, 'crash', 'crash_count', state.scrubber.value({ fingerprint, count })),
      )
      if (event) context.queue.push(event)
    }
  } finally {
    state.busy = false
  }
}

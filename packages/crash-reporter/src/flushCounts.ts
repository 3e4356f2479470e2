import { createEvent } from '@marco/core'
import { callHook } from './callHook'
import type { ReporterState } from './ReporterState'

/** The longest fingerprint a `crash_count` record carries (the collector keys error groups by their first 1,000). */
const MAX_FINGERPRINT_LENGTH = 1000

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
  const counts = state.limit.take()
  if (!context.consent.isGranted('crash')) return
  state.busy = true
  try {
    for (const [fingerprint, count] of counts) {
      // Scrubbed as the events it counts were (frame URLs are in it), and cut where the collector cuts theirs, so
      // the fingerprints match; the wire schema bounds it to MAX_FINGERPRINT_LENGTH.
      const payload = state.scrubber.value({ fingerprint, count })
      payload.fingerprint = payload.fingerprint.slice(0, MAX_FINGERPRINT_LENGTH)
      const event = callHook(
        context.monitor,
        state.options.beforeSend,
        createEvent(context, 'crash', 'crash_count', payload),
      )
      if (event) context.queue.push(event)
    }
  } finally {
    state.busy = false
  }
}

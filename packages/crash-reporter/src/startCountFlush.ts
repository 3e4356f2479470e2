import { listen, type Teardown } from '@marco/core'
import { flushCounts } from './flushCounts'
import type { ReporterState } from './ReporterState'

/**
 * Sends the counted occurrences ({@link flushCounts}) when the page is hidden (`visibilitychange` to hidden,
 * `pagehide`): pushed then, they take the queue's unload path (keepalive) and survive the page closing. The
 * teardown hands them over too, before the reporter lets go of its context.
 *
 * @example
 * const stop = startCountFlush(state)
 */
export function startCountFlush(state: ReporterState): Teardown {
  const { scope, monitor } = state.context!
  const flush = () => flushCounts(state)
  const stops = [
    // `pagehide`, never `unload`: an unload listener makes the page ineligible for the back/forward cache.
    listen(monitor, scope, 'pagehide', flush),
    listen(monitor, scope.document, 'visibilitychange', () => scope.document?.visibilityState === 'hidden' && flush()),
  ]
  return () => {
    stops.forEach((stop) => stop())
    flush()
  }
}

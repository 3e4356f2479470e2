import { listen, type ListenTarget, type Teardown } from '@marco/core'
import { captureErrorEvent } from './captureErrorEvent'
import { captureException } from './captureException'
import type { ReporterState } from './ReporterState'

/**
 * Captures what goes wrong in a worker, from the main thread: its uncaught errors (the `error` event on the
 * `Worker` object) and the errors it posts as `{ marcoError: { name, message, stack } }`.
 *
 * @example
 * const stop = startWorkerHandlers(state, new Worker('/canvas.worker.js'))
 */
export function startWorkerHandlers(state: ReporterState, worker: ListenTarget): Teardown {
  const { monitor } = state.context!
  const stops = [
    listen<ErrorEvent>(monitor, worker, 'error', (event) => captureErrorEvent(state, event, 'worker')),
    listen<MessageEvent>(monitor, worker, 'message', (event) => {
      const error = (event.data as { marcoError?: unknown } | null)?.marcoError
      if (error) captureException(state, error, { handled: false, mechanism: 'worker' })
    }),
  ]
  return () => stops.forEach((stop) => stop())
}

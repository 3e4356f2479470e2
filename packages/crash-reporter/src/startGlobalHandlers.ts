import { listen, type Teardown } from '@marco/core'
import { captureErrorEvent } from './captureErrorEvent'
import { captureException } from './captureException'
import type { ReporterState } from './ReporterState'

/**
 * Listens (never assigns `onerror`) on the context's scope for uncaught errors and failed resource loads
 * (`error`, in the capture phase, where the non-bubbling resource errors pass) and unhandled rejections. CSP
 * violations have one listener, `@marco/security`'s `CspReporting`, which the runtime wires to
 * `reportCspViolation`. Returns the teardown.
 *
 * @example
 * const stop = startGlobalHandlers(state)
 */
export function startGlobalHandlers(state: ReporterState): Teardown {
  const { scope, monitor } = state.context!
  const stops = [
    listen<ErrorEvent>(monitor, scope, 'error', (event) => captureErrorEvent(state, event, 'onerror'), {
      capture: true,
    }),
    listen<PromiseRejectionEvent>(monitor, scope, 'unhandledrejection', (event) =>
      captureException(state, event.reason, { handled: false, mechanism: 'onunhandledrejection' }),
    ),
  ]
  return () => stops.forEach((stop) => stop())
}

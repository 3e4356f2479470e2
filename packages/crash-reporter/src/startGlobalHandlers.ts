import { listen, type Teardown } from '@marco/core'
import { captureErrorEvent } from './captureErrorEvent'
import { captureException } from './captureException'
import type { ReporterState } from './ReporterState'
import { reportCspViolation } from './reportCspViolation'

/**
 * Listens (never assigns `onerror`) on the context's scope for uncaught errors and failed resource loads
 * (`error`, in the capture phase, where the non-bubbling resource errors pass), unhandled rejections and
 * CSP violations. Returns the teardown.
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
    listen<SecurityPolicyViolationEvent>(monitor, scope, 'securitypolicyviolation', (event) =>
      reportCspViolation(state, event),
    ),
  ]
  return () => stops.forEach((stop) => stop())
}

import { deliver } from './deliver'
import { isExtensionUrl } from './isExtensionUrl'
import type { ReporterState } from './ReporterState'
import type { CspViolation } from '@marco/core'

/**
 * Reports a Content-Security-Policy violation as a `csp_violation` event, unless a browser extension caused
 * it. Deduplicated per directive and blocked URL.
 *
 * @example
 * reportCspViolation(state, toCspViolation(event)) // a SecurityPolicyViolationEvent
 */
export function reportCspViolation(state: ReporterState, violation: CspViolation): void {
  const { directive = '', blockedUri = '', sourceFile = '', line, column, disposition, sample } = violation
  if (isExtensionUrl(blockedUri) || isExtensionUrl(sourceFile)) return
  const url = state.scrubber.url
  deliver(state, 'csp_violation', `csp|${directive}|${blockedUri}`, () => ({
    level: 'warning',
    directive,
    blockedUri: url(blockedUri),
    sourceFile: url(sourceFile),
    line,
    column,
    disposition,
    sample,
  }))
}

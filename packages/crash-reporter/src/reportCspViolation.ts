import { deliver } from './deliver'
import { isExtensionUrl } from './isExtensionUrl'
import type { ReporterState } from './ReporterState'
import type { CspViolation } from './types'

/**
 * Reports a Content-Security-Policy violation as a `csp_violation` event, unless a browser extension caused
 * it. Deduplicated per directive and blocked URL.
 *
 * @example
 * reportCspViolation(state, event) // a SecurityPolicyViolationEvent
 */
export function reportCspViolation(state: ReporterState, violation: CspViolation): void {
  const { sourceFile = '', disposition, sample } = violation
  const blockedURI = violation.blockedURI ?? violation.blockedUri ?? ''
  const lineNumber = violation.lineNumber ?? violation.line
  const columnNumber = violation.columnNumber ?? violation.column
  const directive = violation.effectiveDirective || violation.violatedDirective || violation.directive || ''
  if (isExtensionUrl(blockedURI) || isExtensionUrl(sourceFile)) return
  const url = state.scrubber.url
  deliver(state, 'csp_violation', `csp|${directive}|${blockedURI}`, () => ({
    level: 'warning',
    directive,
    blockedUri: url(blockedURI),
    sourceFile: url(sourceFile),
    line: lineNumber,
    column: columnNumber,
    disposition,
    sample,
  }))
}

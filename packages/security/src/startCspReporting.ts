import { createMonitor, globalScope, listen, type GlobalScope, type Monitor, type Teardown } from '@marco/core'

/** One CSP violation, as the runtime forwards it to the crash reporter. */
export interface CspViolation {
  /** The directive that blocked, e.g. `script-src-elem`. */
  readonly directive: string
  /** What was blocked: a URL, or `inline`, `eval`, `wasm-eval`, `trusted-types-sink`. */
  readonly blockedUri: string
  readonly documentUri: string
  readonly sourceFile: string
  readonly line: number
  readonly column: number
  /** The first 40 characters of the blocked inline script or style, when the policy asks for samples. */
  readonly sample: string
  /** `enforce` (it was blocked) or `report` (report-only policy). */
  readonly disposition: string
}

export interface CspReportingOptions {
  readonly scope?: GlobalScope
  readonly monitor?: Monitor
}

const toViolation = (e: SecurityPolicyViolationEvent): CspViolation => ({
  directive: e.effectiveDirective || e.violatedDirective,
  blockedUri: e.blockedURI,
  documentUri: e.documentURI,
  sourceFile: e.sourceFile,
  line: e.lineNumber,
  column: e.columnNumber,
  sample: e.sample,
  disposition: e.disposition,
})

/**
 * Hands each distinct `securitypolicyviolation` of this page (or worker) to `callback` — the runtime forwards
 * them to the crash reporter. Violations from before this call (an injected inline script the parser met
 * before the SDK loaded) reach the policy's `report-uri` / `report-to` endpoint, which the browser fills in
 * from the header itself. A throwing callback is reported to the monitor, never to the page. Returns the stop
 * function.
 *
 * @example
 * const stop = startCspReporting((violation) => crashReporter.captureException(new Error(`CSP: ${violation.directive}
 * blocked ${violation.blockedUri}`)))
 */
export function startCspReporting(
  callback: (violation: CspViolation) => void,
  options: CspReportingOptions = {},
): Teardown {
  const scope = options.scope ?? globalScope
  const monitor = options.monitor ?? createMonitor({ scope })
  const heard = new Set<string>()
  const stopListening = listen<SecurityPolicyViolationEvent>(monitor, scope, 'securitypolicyviolation', (event) => {
    const violation = toViolation(event)
    const key = JSON.stringify(violation)
    // A handler or resource blocked in a loop would otherwise flood the crash reporter.
    if (heard.has(key)) return
    heard.add(key)
    callback(violation)
  })
  return stopListening
}

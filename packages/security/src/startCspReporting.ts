import {
  createMonitor,
  globalScope,
  listen,
  toCspViolation,
  type CspViolation,
  type GlobalScope,
  type Monitor,
  type Teardown,
} from '@marco/core'

export type { CspViolation }

export interface CspReportingOptions {
  readonly scope?: GlobalScope
  readonly monitor?: Monitor
}

/**
 * Hands each distinct `securitypolicyviolation` of this page (or worker) to `callback` — the runtime forwards
 * them to the crash reporter. Violations from before this call (an injected inline script the parser met
 * before the SDK loaded) reach the policy's `report-uri` / `report-to` endpoint, which the browser fills in
 * from the header itself. A throwing callback is reported to the monitor, never to the page. Returns the stop
 * function.
 *
 * @example
 * const stop = startCspReporting((violation) => crashReporter.reportCspViolation(violation))
 */
export function startCspReporting(
  callback: (violation: CspViolation) => void,
  options: CspReportingOptions = {},
): Teardown {
  const scope = options.scope ?? globalScope
  const monitor = options.monitor ?? createMonitor({ scope })
  const heard = new Set<string>()
  const stopListening = listen<SecurityPolicyViolationEvent>(monitor, scope, 'securitypolicyviolation', (event) => {
    const violation = toCspViolation(event)
    const key = JSON.stringify(violation)
    // A handler or resource blocked in a loop would otherwise flood the crash reporter.
    if (heard.has(key)) return
    heard.add(key)
    callback(violation)
  })
  return stopListening
}

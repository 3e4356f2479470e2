import type { CoreContext, CspViolationSource, Feature, Teardown } from '@marco/core'
import { startCspReporting, type CspViolation } from './startCspReporting'

/**
 * CSP violation reporting as a runtime feature: `startCspReporting` on the runtime's scope and monitor, and
 * `onCspViolation(listener)`, which the runtime wires to the crash reporter (as `csp_violation` events) and to
 * its own `csp-violation` listeners.
 *
 * @example
 * createMarcoClient({ features: [new CrashReporter(), new CspReporting()] }).on('csp-violation', console.warn)
 */
export class CspReporting implements Feature, CspViolationSource {
  readonly name = 'csp-reporting'
  readonly #listeners = new Set<(violation: CspViolation) => void>()

  setup(context: CoreContext): Teardown {
    return startCspReporting(
      (violation) => this.#listeners.forEach((listener) => context.monitor.call(listener, violation)),
      context,
    )
  }

  /** Hears every distinct violation; returns the unsubscribe. */
  onCspViolation(listener: (violation: CspViolation) => void): Teardown {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }
}

import { Consent, createMonitor, type ConsentOptions, type CoreContext } from '@marco/core'
import { createFakeClock, type FakeClock } from './createFakeClock'
import { createFakeScope, type FakeScope } from './createFakeScope'
import { createFakeSink, type FakeSink } from './createFakeSink'

export interface FakeContext extends CoreContext {
  readonly scope: FakeScope
  readonly clock: FakeClock
  readonly queue: FakeSink
  /** Internal errors the monitor caught. */
  readonly errors: unknown[]
}

/**
 * A complete `CoreContext` of fakes for a feature's unit tests; the monitor keeps what it catches.
 *
 * @example
 * const context = createFakeContext({ consent: { defaults: { analytics: 'granted' } } })
 * const stop = feature.setup(context)
 */
export function createFakeContext(
  options: { scope?: FakeScope; consent?: ConsentOptions; sessionId?: string } = {},
): FakeContext {
  const errors: unknown[] = []
  const scope = options.scope ?? createFakeScope()
  return {
    scope,
    clock: createFakeClock(),
    queue: createFakeSink(),
    consent: new Consent({ scope, ...options.consent }),
    monitor: createMonitor({ onError: (error) => errors.push(error), scope }),
    sessionId: () => options.sessionId ?? 'session-1',
    errors,
  }
}

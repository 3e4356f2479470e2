import type { Clock } from './clock'
import type { Consent, ConsentCategory } from './Consent'
import type { Monitor, Teardown } from './monitor'
import type { GlobalScope } from './scope'

/** One event as features hand it to the delivery pipeline, and as it travels on the wire. */
export interface SdkEvent {
  /** Unique (a random v4 UUID), so a server drops duplicates from retries. */
  readonly id: string
  /** What happened: `track`, `page`, `exception`, `web-vital`, … */
  readonly type: string
  /** Which consent category governs the event; drop counts and purges are per category. */
  readonly category: ConsentCategory
  /** Wall-clock milliseconds since the epoch when it happened. */
  readonly ts: number
  readonly sessionId: string
  readonly payload: Record<string, unknown>
}

/** Where features put their events (the core `EventQueue`, or a fake in tests). Never throws. */
export interface EventSink {
  push(event: SdkEvent): void
  /** Removes the waiting events of a category (consent revoked), counting them as dropped. */
  purge?(category: ConsentCategory): void
  /**
   * Opens the sink's storage and resumes sending what earlier pages left. Called once consent allows
   * storing anything; a sink without it opens on its first event.
   */
  open?(): void
}

/** Everything a feature may use. Each member is an interface, so tests pass plain fakes. */
export interface CoreContext {
  readonly scope: GlobalScope
  readonly clock: Clock
  readonly queue: EventSink
  readonly consent: Consent
  readonly monitor: Monitor
  /** The current session id (the runtime owns one for all features). */
  readonly sessionId: () => string
}

/**
 * A feature is a named setup step that returns its own teardown.
 *
 * @example
 * class Heartbeat implements Feature {
 *   readonly name = 'heartbeat'
 *   setup({ monitor }: CoreContext): Teardown {
 *     return startInterval(monitor, () => {}, 60_000)
 *   }
 * }
 */
export interface Feature {
  readonly name: string
  setup(context: CoreContext): Teardown
}

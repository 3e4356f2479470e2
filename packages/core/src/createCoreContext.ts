import { createClock, type Clock } from './clock'
import { Consent, CONSENT_CATEGORIES, type ConsentCategory, type ConsentOptions } from './Consent'
import { createId } from './createId'
import { EventQueue, type EventQueueOptions } from './EventQueue'
import { createMonitor, type Monitor } from './monitor'
import { globalScope, type GlobalScope } from './scope'
import type { CoreContext, EventSink, SdkEvent } from './types'

export interface CoreContextOptions {
  /** Where the context's own `EventQueue` sends (ignored when `queue` is given). */
  endpoint?: string
  /** Options for the context's own `EventQueue` (ignored when `queue` is given). */
  queueOptions?: EventQueueOptions
  /** An existing sink to use instead of a new `EventQueue`. */
  queue?: EventSink
  /** An existing consent state, or options for a new one (every category `pending` by default). */
  consent?: Consent | ConsentOptions
  debug?: boolean
  scope?: GlobalScope
  clock?: Clock
  monitor?: Monitor
  /** The session id source; default one random id for the life of this context. */
  sessionId?: () => string
}

export interface OwnedCoreContext extends CoreContext {
  /** The queue this context created, once it has (so its owner can flush and stop it). */
  readonly ownQueue: EventQueue | undefined
}

/**
 * The context a feature builds for itself when it is used alone, without the runtime: a monitor, a clock,
 * consent (every category pending unless told otherwise: nothing is sent before consent), a session id, and
 * an `EventQueue` to `endpoint`, created once some consent is granted (it opens IndexedDB, which must not
 * happen before) or an event is pushed. Builds and starts nothing else.
 *
 * @example
 * const context = createCoreContext({ endpoint: '/v1/batch', consent: { defaults: { crash: 'granted' } } })
 * const teardown = new CrashReporter().setup(context)
 */
export function createCoreContext(options: CoreContextOptions = {}): OwnedCoreContext {
  const scope = options.scope ?? globalScope
  const monitor = options.monitor ?? createMonitor({ scope, debug: options.debug })
  const clock = options.clock ?? createClock(scope)
  const consent = options.consent instanceof Consent ? options.consent : new Consent({ scope, ...options.consent })
  const session = createId(scope)
  // The queue opens IndexedDB (and sends what earlier pages left): not before some consent is granted.
  let ownQueue: EventQueue | undefined
  const open = (): EventQueue =>
    (ownQueue ??= new EventQueue({ endpoint: options.endpoint, scope, clock, monitor, debug: options.debug, ...options.queueOptions }))
  if (!options.queue) {
    if (CONSENT_CATEGORIES.some((category) => consent.isGranted(category))) open()
    else consent.subscribe(({ state }) => state === 'granted' && open())
  }
  return {
    scope,
    monitor,
    clock,
    consent,
    queue: options.queue ?? { push: (event) => open().push(event), purge: (category) => ownQueue?.purge(category) },
    sessionId: options.sessionId ?? (() => session),
    get ownQueue() {
      return ownQueue
    },
  }
}

/**
 * Builds one event for the pipeline: a fresh id, the clock's time and the context's session.
 *
 * @example
 * context.queue.push(createEvent(context, 'crash', 'exception', { message: 'boom' }))
 */
export function createEvent(
  context: Pick<CoreContext, 'clock' | 'sessionId' | 'scope'>,
  category: ConsentCategory,
  type: string,
  payload: Record<string, unknown>,
): SdkEvent {
  return { id: createId(context.scope), type, category, ts: context.clock.now(), sessionId: context.sessionId(), payload }
}

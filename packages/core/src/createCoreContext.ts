import { createClock, type Clock } from './clock'
import { Consent, CONSENT_CATEGORIES, type ConsentOptions } from './Consent'
import { createId } from './createId'
import { EventQueue, type EventQueueOptions, type FlushResult } from './EventQueue'
import { createMonitor, type Monitor } from './monitor'
import { globalScope, type GlobalScope } from './scope'
import type { CoreContext, EventSink } from './types'

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
  /** The queue this context created, once it has (some consent granted, or an event pushed). */
  readonly ownQueue: EventQueue | undefined
  /** Flushes the context's own queue; `undefined` when it has none. */
  flush(): Promise<FlushResult | undefined>
  /** Flushes and stops the context's own queue, or the caller's sink. */
  stop(): Promise<void>
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
  // (It is imported statically: a dynamic import() here makes esbuild put the queue into a chunk shared
  // with every entry that reaches @marco/core, so even `import { serialize }` would load it.)
  let ownQueue: EventQueue | undefined
  const open = (): EventQueue =>
    (ownQueue ??= new EventQueue({
      endpoint: options.endpoint,
      scope,
      clock,
      monitor,
      debug: options.debug,
      ...options.queueOptions,
    }))
  // A sink of the caller's own (the analytics worker, say) is opened on the same terms.
  const openSink = options.queue ? () => options.queue!.open?.() : open
  if (CONSENT_CATEGORIES.some((category) => consent.isGranted(category))) openSink()
  // Until stop(): a consent given after it must not start a new pipeline. (Opening twice opens once.)
  const unsubscribe = consent.subscribe(({ state }) => state === 'granted' && openSink())
  const sink: EventSink = {
    push: (event) => open().push(event),
    purge: (category) => ownQueue?.purge(category),
  }
  // The pipeline: the own queue, or a sink of the caller's own (the analytics worker), flushed and stopped alike.
  const pipeline = () => (ownQueue ?? options.queue) as Partial<OwnedCoreContext> | undefined
  return {
    scope,
    monitor,
    clock,
    consent,
    queue: options.queue ?? sink,
    sessionId: options.sessionId ?? (() => session),
    get ownQueue() {
      return ownQueue
    },
    flush: async () => pipeline()?.flush?.(),
    async stop() {
      unsubscribe()
      await pipeline()?.flush?.()
      await pipeline()?.stop?.()
    },
  }
}

import {
  createCoreContext,
  createId,
  createMonitor,
  isSampled,
  type BudgetBreach,
  type Consent,
  type ConsentOptions,
  type CspViolation,
  type DropCount,
  type EventQueueOptions,
  type EventSink,
  type Feature,
  type FlushResult,
  type GlobalScope,
  type OwnedCoreContext,
  type Teardown,
  type Transport,
} from '@marco/core'
import { validateConfig } from './validateConfig'
import { wireFeatures } from './wireFeatures'

/** The SDK's version, sent in every batch. */
export const SDK_VERSION = '0.1.0'

export interface MarcoConfig {
  /** Where the one delivery pipeline sends (the reference collector's `/v1/batch`). */
  endpoint?: string
  /** Instead of `endpoint`: a transport or wire adapter (Sentry envelope, OTLP JSON, Segment, your own). */
  transport?: Transport
  /** Instead of a main-thread queue: a sink of your own, e.g. `createWorkerSink()` of `@marco/workers`. */
  sink?: EventSink
  /** Release and environment, sent once per batch. */
  release?: string
  environment?: string
  /** Consent defaults (every category `pending` unless set: nothing is stored or sent before). */
  consent?: ConsentOptions
  /** Share of sessions that send anything, decided per session id. Default 1. */
  sampleRate?: number
  /** One warning per kind of mistake, and internal errors, on the console. */
  debug?: boolean
  /** The features to run, in order. Only these are bundled. */
  features?: Feature[]
  /** Options for the one `EventQueue`. */
  queue?: EventQueueOptions
  scope?: GlobalScope
}

export type MarcoEventMap = {
  /** An error inside the SDK (or a feature): reported here, never thrown into the page. */
  error: unknown
  /** A performance budget breach (from a `BudgetSource`: performance analytics). */
  budget: BudgetBreach
  /** A CSP violation (from a `CspViolationSource`: `@marco/security`'s `CspReporting`). */
  'csp-violation': CspViolation
  /** Events the pipeline dropped, with category and reason. */
  dropped: DropCount
}

/** What the runtime needs to know of a feature it wires: optional capabilities, found by duck typing. */
interface Capabilities {
  sessionId?(): string
  batchContext?(): Record<string, unknown> | undefined
}

/**
 * The one client: one configuration, one consent state, one clock and session, one delivery pipeline and
 * one error boundary, shared by the features it is given. It owns the wiring between features and nothing
 * that belongs to one. Use `createMarcoClient(config)`.
 *
 * @example
 * const client = createMarcoClient({ endpoint: '/v1/batch', features: [new CrashReporter(), new AnalyticsEngine()] })
 * client.start()
 * client.consent.grant(['crash', 'analytics'])
 * client.get(AnalyticsEngine)?.track('export', { format: 'svg' })
 */
export class MarcoRuntime {
  private _config: MarcoConfig
  private _context: OwnedCoreContext
  private _features: Feature[]
  private _teardowns: Teardown[] = []
  private _listeners = new Map<keyof MarcoEventMap, Set<(value: never) => void>>()
  private _started = false
  private _stopped = false
  private _warned = new Set<string>()
  private _ownSession: string | undefined

  constructor(config: MarcoConfig = {}) {
    const { config: safe, warnings } = validateConfig(config)
    this._config = safe
    this._features = safe.features ?? []
    // The one error boundary: every internal error goes to the `error` listeners, never to the page.
    const monitor = createMonitor({
      scope: safe.scope,
      debug: safe.debug,
      onError: (error) => this._emit('error', error),
    })
    const own = createCoreContext({
      scope: safe.scope,
      debug: safe.debug,
      endpoint: safe.endpoint,
      consent: safe.consent,
      monitor,
      queue: safe.sink,
      sessionId: () => this._sessionId(),
      queueOptions: {
        transport: safe.transport,
        sdk: { name: '@marco/runtime', version: SDK_VERSION },
        context: () => this._batchContext(),
        onDrop: (drop) => this._emit('dropped', drop),
        ...safe.queue,
      },
    })
    this._context = own
    for (const warning of warnings) this._warn(warning)
    // Wasm loads are wired now, not at start(): the app's core often loads before it.
    this._teardowns.push(wireFeatures(this._features, own.monitor, this._emit.bind(this), true))
  }

  /** The one consent state: `grant` / `deny` per category. Denying purges that category's queued data. */
  get consent(): Consent {
    return this._context.consent
  }

  /**
   * Starts every feature in order inside the error boundary (one that throws is reported and skipped, the
   * others still start), then wires them together. Calling it again does nothing (and warns once in debug).
   */
  start(): this {
    if (this._started || this._stopped) {
      this._warn('start() called twice: the client is already started')
      return this
    }
    this._started = true
    const context = this._sampledContext()
    const { monitor, consent } = context
    this._teardowns.push(
      consent.subscribe(
        ({ category, state }) => state === 'denied' && monitor.call(() => context.queue.purge?.(category)),
      ),
    )
    for (const feature of this._features) {
      const teardown = monitor.call(() => feature.setup(context))
      if (typeof teardown === 'function') this._teardowns.push(teardown)
      else this._emit('error', new Error(`feature "${feature?.name}" failed to start`))
    }
    this._teardowns.push(wireFeatures(this._features, monitor, (event, value) => this._emit(event, value), false))
    return this
  }

  /** Sends what can be sent now. */
  async flush(): Promise<FlushResult | undefined> {
    return this._context.flush().catch((error) => void this._context.monitor.report(error))
  }

  /** Flushes, then tears the features down in reverse order and stops the pipeline. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this._stopped) return
    this._stopped = true
    for (const teardown of this._teardowns.splice(0).reverse()) this._context.monitor.call(teardown)
    await this._context.stop().catch((error) => void this._context.monitor.report(error))
  }

  /**
   * The feature of a class, typed.
   *
   * @example
   * client.get(AnalyticsEngine)?.track('export')
   */
  get<T extends Feature>(type: abstract new (...args: never[]) => T): T | undefined {
    return this._features.find((feature): feature is T => feature instanceof type)
  }

  /** Listens to `error`, `budget`, `csp-violation` or `dropped`; returns the unsubscribe. */
  on<K extends keyof MarcoEventMap>(event: K, listener: (value: MarcoEventMap[K]) => void): Teardown {
    let set = this._listeners.get(event)
    if (!set) this._listeners.set(event, (set = new Set()))
    set.add(listener as (value: never) => void)
    return () => void set.delete(listener as (value: never) => void)
  }

  private _emit<K extends keyof MarcoEventMap>(event: K, value: MarcoEventMap[K]): void {
    for (const listener of [...(this._listeners.get(event) ?? [])]) {
      try {
        ;(listener as (value: MarcoEventMap[K]) => void)(value)
      } catch {
        // a listener's error is its own: never rethrown into the page, never looped back into `error`
      }
    }
  }

  /** The context features get: the shared one, with a sink that drops everything of a sampled-out session. */
  private _sampledContext(): OwnedCoreContext {
    const rate = this._config.sampleRate ?? 1
    if (rate >= 1) return this._context
    const context = this._context
    const queue: EventSink = {
      push: (event) => isSampled(event.sessionId, rate) && context.queue.push(event),
      purge: (category) => context.queue.purge?.(category),
    }
    return Object.assign(Object.create(context) as OwnedCoreContext, { queue })
  }

  /** One session for all features: the analytics session when there is one, else the runtime's own. */
  private _sessionId(): string {
    for (const feature of this._features as Capabilities[]) {
      const id = typeof feature.sessionId === 'function' ? feature.sessionId() : ''
      if (id) return id
    }
    return (this._ownSession ??= createId(this._context.scope))
  }

  /** Release, environment and whatever a feature says about the page, once per batch. */
  private _batchContext(): Record<string, unknown> {
    const context: Record<string, unknown> = {}
    for (const feature of this._features as Capabilities[]) {
      // One feature's context that throws costs only itself (release and environment still go).
      if (typeof feature.batchContext === 'function')
        Object.assign(
          context,
          this._context.monitor.call(() => feature.batchContext!()),
        )
    }
    if (this._config.release) context.release = this._config.release
    if (this._config.environment) context.environment = this._config.environment
    return context
  }

  private _warn(message: string): void {
    if (this._config.debug && !this._warned.has(message)) {
      this._warned.add(message)
      ;(this._config.scope ?? globalThis).console?.warn(`[marco] ${message}`)
    }
  }
}

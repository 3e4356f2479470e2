import {
  LifecycleFeature,
  Consent,
  createEvent,
  createScrubber,
  rememberRecent,
  listen,
  startInterval,
  type ConsentOptions,
  type CoreContext,
  type CoreContextOptions,
  type EventQueueOptions,
  type GlobalScope,
  type ScrubOptions,
  type Scrubber,
  type Teardown,
} from '@marco/core'
import { createAggregator } from './createAggregator'
import { GESTURE_TYPES, type GestureType } from './gestures'
import { readBatchContext } from './readBatchContext'
import { loadSession, newSession, saveSession, sessionEnd, type SessionState } from './session'
import { startPageViews } from './startPageViews'

/** Maps event names to the type of their properties, so `track` is checked at compile time. */
export type EventCatalogue = Record<string, Record<string, unknown>>

export interface AnalyticsOptions {
  /** Used alone: where the engine's own `EventQueue` sends. Inside the runtime, leave it out. */
  endpoint?: string
  /** Used alone: the consent state or its options. Every category starts `pending`: nothing is sent before. */
  consent?: Consent | ConsentOptions
  /** Used alone: options for the engine's own queue. */
  queueOptions?: EventQueueOptions
  /** A session ends after this much inactivity. Default 30 min. */
  sessionTimeoutMs?: number
  /** A session ends after this long whatever happens. Default 24 h. */
  maxSessionMs?: number
  /** How often pre-aggregated canvas, gesture, collaboration and performance summaries are sent. Default 10 s. */
  summaryIntervalMs?: number
  /** Record a page view at start and on every single-page-app navigation. Default true. */
  autoPageViews?: boolean
  /** The app's own gesture names, accepted by `trackGestureUsage` besides the built-in ones. */
  gestures?: readonly string[]
  /** PII scrubbing of properties, traits and URLs (on by default). */
  scrub?: ScrubOptions
  /** localStorage key of the anonymous id and session (written only with `analytics` consent). */
  storageKey?: string
  debug?: boolean
  scope?: GlobalScope
}

const MAX_NAME_LENGTH = 200
const MAX_PROPERTIES_LENGTH = 8_192
const MAX_DURATION_MS = 3_600_000
/** How often the last-activity time is written to storage while the page is busy. */
const SAVE_INTERVAL_MS = 5_000

/**
 * Product analytics for the Marco canvas. Low-frequency calls (`track`, `page`, `identify`) become events;
 * high-frequency ones (`trackCanvasInteraction` on every pointer move, `trackPerformanceMetrics` every frame)
 * are pre-aggregated into one summary per `summaryIntervalMs`. Nothing is stored or sent before `analytics`
 * consent; revoking it purges the anonymous id and the queued analytics events. Bad input is clamped or
 * dropped with a counted reason (sent in the next summary), never thrown.
 *
 * @example
 * type Events = { export: { format: 'svg' | 'png' } }
 * const analytics = new AnalyticsEngine<Events>({ endpoint: '/v1/batch', consent: { defaults: { analytics: 'granted' }
 * } })
 * analytics.track('export', { format: 'svg' })
 * canvas.addEventListener('pointermove', (e) => analytics.trackCanvasInteraction('draw', e.timeStamp - last))
 */
export class AnalyticsEngine<C extends EventCatalogue = EventCatalogue> extends LifecycleFeature {
  readonly name = 'analytics'
  private _options: AnalyticsOptions
  /** The last context set up on: used alone, the last batch goes out after teardown and still describes the page. */
  private _last: CoreContext | undefined
  private _scrubber: Scrubber
  private _gestures: Set<string>
  private _state: SessionState | undefined
  private _savedAt = 0
  /** Who the stored state said this browser was when this tab last read or wrote it (`aid` and `uid`). */
  private _storedAs: string | undefined
  private _super: Record<string, unknown> = {}
  private _aggregator = createAggregator(0)
  private _warned = new Set<string>()

  constructor(options: AnalyticsOptions = {}) {
    super()
    this._options = options
    // Every `track()` is scrubbed: the keys an app repeats are judged once.
    this._scrubber = createScrubber(options.scrub, rememberRecent)
    this._gestures = new Set([...GESTURE_TYPES, ...(options.gestures ?? [])])
  }

  // setup / start / stop: core's LifecycleFeature (the runtime calls setup; start() alone).

  /** Queues the current summary now; used alone, also sends its queue. */
  override flush(): Promise<void> {
    this.context?.monitor.call(() => this._flushSummary(true))
    return super.flush()
  }

  protected ownOptions(): CoreContextOptions {
    return {
      ...this._options,
      sessionId: () => this.sessionId(),
      queueOptions: { context: () => this.batchContext(), ...this._options.queueOptions },
    }
  }

  /** The setup itself (`LifecycleFeature` runs it). */
  protected setupFeature(context: CoreContext): Teardown {
    const { scope, monitor, consent, clock } = context
    this._last = context
    this._aggregator = createAggregator(clock.now())
    const teardowns: Teardown[] = [
      consent.subscribe(
        ({ category, state }) => category === 'analytics' && monitor.call(() => this._onConsent(state === 'granted')),
      ),
      startInterval(monitor, () => this._flushSummary(), this._options.summaryIntervalMs ?? 10_000),
      // Capture phase: the summary must be queued before the queue's own hide handler sends.
      listen(monitor, scope, 'pagehide', () => this._flushSummary(true), { capture: true }),
      listen(
        monitor,
        scope.document,
        'visibilitychange',
        () => scope.document?.visibilityState === 'hidden' && this._flushSummary(true),
        { capture: true },
      ),
    ]
    if (this._options.autoPageViews !== false) {
      teardowns.push(startPageViews(scope, monitor, (url) => this.page(undefined, undefined, url)))
    }
    if (consent.isGranted('analytics')) this._onConsent(true)
    return () => {
      this._flushSummary(true)
      for (const teardown of teardowns) teardown()
    }
  }

  /** The consent state in use (the runtime's, or the engine's own when used alone). */
  get consent(): Consent | undefined {
    return this.context?.consent as Consent | undefined
  }

  /**
   * What a batch says once about where its events happened (page, referrer, UTM, viewport, locale); the
   * runtime's queue reads it per batch. Nothing without `analytics` consent.
   */
  batchContext(): Record<string, unknown> | undefined {
    // Used alone, the last batch goes out after teardown: the own context still describes the page.
    const context = this.context ?? this._last
    return context?.consent.isGranted('analytics') ? readBatchContext(context.scope, this._scrubber) : undefined
  }

  /** The current session id (empty before consent). */
  sessionId(): string {
    return this._state?.sid ?? ''
  }

  /** Grants `analytics` consent. */
  optIn(): void {
    this._live('optIn', [], true) && this.context!.consent.grant('analytics')
  }

  /** Denies `analytics` consent: the anonymous id and queued analytics events are purged. */
  optOut(): void {
    this._live('optOut', [], true) && this.context!.consent.deny('analytics')
  }

  /** A product event. Properties are serialized safely and scrubbed of personal data. */
  track<K extends keyof C & string>(name: K, properties?: C[K]): void {
    if (!this._live('track', [name, properties])) return
    if (typeof name !== 'string' || !name || name.length > MAX_NAME_LENGTH) return this._reject('invalid_name')
    this._push('track', { name: this._scrubber.string(name), properties: this._properties(properties) })
  }

  /** A page view (also recorded automatically at start and on SPA navigation). */
  page(name?: string, properties?: Record<string, unknown>, url?: string): void {
    if (!this._live('page', [name, properties, url])) return
    const { location, document } = this.context!.scope
    const href = url ?? location?.href ?? ''
    let path = ''
    try {
      path = new URL(href).pathname
    } catch {
      // not a URL: leave the path out
    }
    this._push('page', {
      name: typeof name === 'string' ? this._scrubber.string(name.slice(0, MAX_NAME_LENGTH)) : undefined,
      url: this._scrubber.url(href),
      path: this._scrubber.string(path),
      title: document?.title ? this._scrubber.string(document.title.slice(0, MAX_NAME_LENGTH)) : undefined,
      referrer: document?.referrer ? this._scrubber.url(document.referrer) : undefined,
      properties: this._properties(properties),
    })
  }

  /** Ties this browser's events to a user id from then on, with traits (scrubbed). */
  identify(userId: string, traits?: Record<string, unknown>): void {
    if (!this._live('identify', [userId, traits])) return
    if (typeof userId !== 'string' || !userId || userId.length > MAX_NAME_LENGTH) return this._reject('invalid_user_id')
    // The id rides on every later event and in storage: one that is personal data (an email) goes filtered.
    const uid = this._scrubber.string(userId)
    if (uid !== userId) this.warn('identify() got a user id with personal data in it (an email?): pass an opaque id')
    this._state!.uid = uid
    this._save(true)
    this._push('identify', { traits: this._properties(traits) })
  }

  /** Forgets the user: a new anonymous id, a new session, no super properties. */
  reset(): void {
    if (!this._live('reset', [])) return
    this._endSession('reset')
    this._super = {}
    this._state = newSession(this.context!.clock.now())
    this._save(true)
    this._push('session_start', {})
  }

  /** Properties added to every `track` and `page` from now on (memory only). */
  setSuperProperties(properties: Record<string, unknown>): void {
    if (!this._live('setSuperProperties', [properties])) return
    Object.assign(this._super, this._properties(properties))
  }

  /** One canvas interaction (pre-aggregated per action): `duration` in ms, clamped to [0, 1 h]. */
  trackCanvasInteraction(action: string, duration: number): void {
    if (!this._live('trackCanvasInteraction', [action, duration])) return
    if (typeof action !== 'string' || !action || action.length > MAX_NAME_LENGTH) return this._reject('invalid_action')
    if (!Number.isFinite(duration)) return this._reject('invalid_duration')
    this._aggregator.canvas(action, this._clamp(duration, 0, MAX_DURATION_MS, 'duration'))
  }

  /** One gesture and whether it was recognised (pre-aggregated per gesture). */
  trackGestureUsage(gesture: GestureType, success: boolean): void {
    if (!this._live('trackGestureUsage', [gesture, success])) return
    if (!this._gestures.has(gesture)) return this._reject('unknown_gesture')
    this._aggregator.gesture(gesture, !!success)
  }

  /** Collaborators connected and the latency they see, in ms (pre-aggregated). */
  trackCollaborativeActions(users: number, latency: number): void {
    if (!this._live('trackCollaborativeActions', [users, latency])) return
    if (!Number.isFinite(users) || !Number.isFinite(latency)) return this._reject('invalid_collaboration')
    this._aggregator.collaboration(
      Math.round(this._clamp(users, 0, 10_000, 'users')),
      this._clamp(latency, 0, MAX_DURATION_MS, 'latency'),
    )
  }

  /** Frame rate and JS memory in MB (pre-aggregated). */
  trackPerformanceMetrics(fps: number, memory: number): void {
    if (!this._live('trackPerformanceMetrics', [fps, memory])) return
    if (!Number.isFinite(fps) || !Number.isFinite(memory)) return this._reject('invalid_performance')
    this._aggregator.performance(this._clamp(fps, 0, 1_000, 'fps'), this._clamp(memory, 0, 1e6, 'memory'))
  }

  /**
   * Whether a call may record now. Before setup: starts when used alone, else defers the call (bounded).
   * Without consent: nothing, and the call is not kept. Also rolls the session over when it has ended.
   */
  private _live(method: keyof AnalyticsEngine, args: unknown[], ignoreConsent = false): boolean {
    try {
      const context = this.context
      if (!context) {
        // Kept for setup, as every feature keeps early calls; used alone (with `endpoint`) it starts and runs now.
        this.run(() => (this[method] as (...a: unknown[]) => void)(...args))
        return false
      }
      if (ignoreConsent) return true
      if (!context.consent.isGranted('analytics') || !this._state) return false
      const now = context.clock.now()
      let ended = this._ended(this._state, now)
      if (ended) {
        // Idle here, maybe not in the origin's other tabs: the session's latest activity is what they stored.
        const stored = loadSession(context.scope, this._key(), now)
        if (stored?.sid === this._state.sid) this._state.last = Math.max(this._state.last, stored.last)
        ended = this._ended(this._state, now)
      }
      if (ended) {
        this._endSession(ended)
        this._state = newSession(now, this._state.aid, this._state.uid)
        this._save(true)
        this._push('session_start', {})
      }
      this._state.last = now
      if (now - this._savedAt > SAVE_INTERVAL_MS) this._save()
      return true
    } catch (error) {
      this.warn('internal', error)
      return false
    }
  }

  private _onConsent(granted: boolean): void {
    const context = this.context!
    const key = this._key()
    if (!granted) {
      // Revoked: forget everything this engine kept and everything still waiting to be sent.
      saveSession(context.scope, key, undefined)
      this._state = this._storedAs = undefined
      this._super = {}
      this._aggregator.take(context.clock.now())
      context.queue.purge?.('analytics')
      return
    }
    if (this._state) return
    const now = context.clock.now()
    const stored = loadSession(context.scope, key, now)
    // A user id stored by an older version (or tampered) goes through the scrubber as identify()'s does.
    if (stored?.uid) stored.uid = this._scrubber.string(stored.uid)
    const ended = stored && this._ended(stored, now)
    if (stored && !ended) {
      this._state = stored
    } else {
      if (ended) {
        // The session ended while no page was open: close it now, with its own times.
        this._state = stored
        this._endSession(ended)
      }
      this._state = newSession(now, stored?.aid, stored?.uid)
      this._push('session_start', {})
    }
    this._save(true)
    // The page the user is on when analytics starts (at setup or at the moment consent is given).
    if (this._options.autoPageViews !== false) this.page()
  }

  /** Whether `state`'s session has ended by `now`, and why (see `sessionEnd`). */
  private _ended(state: SessionState, now: number): string | undefined {
    const { sessionTimeoutMs = 1_800_000, maxSessionMs = 86_400_000 } = this._options
    return sessionEnd(state, now, sessionTimeoutMs, maxSessionMs)
  }

  private _key(): string {
    return this._options.storageKey ?? 'marco_analytics'
  }

  private _endSession(reason: string): void {
    const state = this._state!
    this._flushSummary()
    // Never below zero, even when the wall clock went back during the session.
    this._push('session_end', { durationMs: Math.max(0, state.last - state.start), reason })
  }

  /** The context while set up with a session and analytics consent. */
  private _active(): CoreContext | undefined {
    const context = this.context
    return context && this._state && context.consent.isGranted('analytics') ? context : undefined
  }

  private _save(force = false): void {
    const context = this._active()
    if (!context) return
    if (force || this._state!.last - this._savedAt > SAVE_INTERVAL_MS) {
      const key = this._key()
      const state = this._state!
      this._savedAt = state.last
      // Another tab reset (a logout) or identified since this one last read or wrote: this tab follows it rather than
      // writing its old identity back.
      const stored = loadSession(context.scope, key, Infinity)
      if (stored && this._storedAs !== undefined && whoIs(stored) !== this._storedAs) this._state = stored
      else saveSession(context.scope, key, state)
      this._storedAs = whoIs(this._state!)
    }
  }

  /** Sends the window's summary, if anything happened in it. */
  private _flushSummary(hiding = false): void {
    const context = this._active()
    if (!context) return
    const summary = this._aggregator.take(context.clock.now())
    if (summary) this._push('canvas_summary', summary)
    if (hiding) this._save(true)
  }

  private _push(type: string, payload: Record<string, unknown>): void {
    const context = this.context!
    const state = this._state!
    const event = createEvent(context, 'analytics', type, { ...payload, anonymousId: state.aid, userId: state.uid })
    context.queue.push({ ...event, sessionId: state.sid })
  }

  /**
   * Super properties plus the call's own, as JSON data, scrubbed. Properties that are not an object, that
   * JSON cannot take (a cycle, a BigInt) or that pass 8 KB are dropped, counted by reason.
   */
  private _properties(properties: unknown): Record<string, unknown> {
    let own = {}
    if (properties != null) {
      const json = typeof properties === 'object' ? tryStringify(properties) : undefined
      if (json === undefined) this._reject('invalid_properties')
      else if (json.length > MAX_PROPERTIES_LENGTH) this._reject('properties_too_large')
      else own = JSON.parse(json)
    }
    return this._scrubber.value({ ...this._super, ...own })
  }

  private _clamp(value: number, min: number, max: number, what: string): number {
    if (value < min) return (this._reject(`${what}_below_${min}`), min)
    if (value > max) return (this._reject(`${what}_above_${max}`), max)
    return value
  }

  /** Counts a dropped or clamped input in the next summary, and warns once per reason in debug mode. */
  private _reject(reason: string): void {
    this._aggregator.reject(reason)
    this.warn(reason)
  }

  protected override warn(reason: string, error?: unknown): void {
    if (this._options.debug && !this._warned.has(reason)) {
      this._warned.add(reason)
      ;(this.context?.scope ?? globalThis).console?.warn(`[marco] analytics: ${reason}`, error ?? '')
    }
  }
}

/** JSON of a plain object's data; `undefined` for an array or what JSON cannot take (a cycle, a revoked Proxy). */
function tryStringify(value: object): string | undefined {
  try {
    return Array.isArray(value) ? undefined : JSON.stringify(value)
  } catch {
    return undefined
  }
}

/** Who a stored state says this browser is: its anonymous id and user id. */
function whoIs(state: SessionState): string {
  return `${state.aid}\u001f${state.uid ?? ''}`
}

import {
  LifecycleFeature,
  createEvent,
  listen,
  startInterval,
  startTimeout,
  type BudgetBreach,
  type BudgetSource,
  type CoreContext,
  type CoreContextOptions,
  type Teardown,
  type WasmLoadSink,
  type WasmLoadTiming,
} from '@marco/core'
import { classifyResource, type ResourceKind } from './classifyResource'
import { createFrameStats } from './createFrameStats'
import { createQuantileSketch } from './createQuantileSketch'
import { observeEntries } from './observeEntries'
import { readJsMemory } from './readJsMemory'
import { readRtcStats, type PeerStats } from './readRtcStats'
import { round } from './round'
import { startFrameLoop } from './startFrameLoop'
import { startWebVitals } from './startWebVitals'
import { summarizeLongFrame, type LongFrame } from './summarizeLongFrame'
import { toPercentiles } from './toPercentiles'
import type { WebVital } from './toWebVital'
import type { Budgets, CollabMetrics, PerformanceAnalyticsOptions, UserExperienceMetrics } from './types'

/** The budgets in force unless `budgets` changes them. */
export const DEFAULT_BUDGETS: Budgets = {
  INP: 200,
  collaborationP95Ms: 150,
  minFps: 50,
  lowFpsMs: 5_000,
  longFrameMs: 200,
}
/** `trackUserExperience()` resolves after this long at the latest. */
const UX_WAIT_MS = 10_000
/** Breaches of one metric reported per summary window, at most; wasm loads kept per window. */
const MAX_PER_WINDOW = 5
/** Web Vital instances waiting for the next summary, at most (each SPA navigation starts five). */
const MAX_UNSENT_VITALS = 25

type Aggregate = { count: number; ms: number; maxMs: number; bytes: number }
/** The fields of a wasm load that are durations or sizes: a value that is not a number ≥ 0 is left out. */
const WASM_LOAD_AMOUNTS = ['bytes', 'fetchMs', 'verifyMs', 'compileMs', 'instantiateMs', 'totalMs'] as const

/** A finite number ≥ 0 (a duration, a count, a size), not a numeric string. */
const isAmount = (value: unknown): value is number => typeof value === 'number' && value >= 0 && value < Infinity

/**
 * Real-world performance of a canvas + WebRTC app, summarised on the client: frame rate and frame-time
 * distribution, long animation frames with script attribution, JS and WebAssembly memory, wasm / script /
 * worker load timings, Core Web Vitals with attribution (web-vitals), and collaboration latency percentiles
 * with WebRTC `getStats()`. Sends a `perf_summary` every `summaryIntervalMs` and on page hide, a `web_vital`
 * per changed metric, a `budget_breach` per breach — only with `performance` consent. Never one event per
 * frame; never throws into the page; a missing browser API means that metric is absent.
 *
 * @example
 * const perf = new PerformanceAnalytics({ endpoint: '/v1/batch', consent: { defaults: { performance: 'granted' } } })
 * perf.monitorRealTimeMetrics()
 * perf.trackUserExperience().then((ux) => console.log(ux.LCP?.value))
 * perf.trackPeerConnection(peer)
 * channel.onmessage = (e) => perf.recordLatency(Date.now() - JSON.parse(e.data).sentAt)
 * perf.onBudgetBreach((breach) => console.warn(breach.metric, breach.value))
 */
export class PerformanceAnalytics extends LifecycleFeature implements BudgetSource, WasmLoadSink {
  readonly name = 'performance-analytics'
  private _options: PerformanceAnalyticsOptions
  private _budgets: Budgets
  private _realtime: Teardown | undefined
  /** `monitorRealTimeMetrics()` was asked for and not ended: each setup (a restart too) starts it. */
  private _wantRealtime = false
  private _vitalsOn = false
  private _vitals: UserExperienceMetrics = {}
  /** Reports not sent yet, by metric instance: an SPA navigation must not overwrite the last page's final values. */
  private _unsent = new Map<string, WebVital>()
  private _breached = new Set<string>()
  private _perWindow: Record<string, number> = {}
  private _breachListeners = new Set<(breach: BudgetBreach) => void>()
  private _uxListeners = new Set<(metrics: UserExperienceMetrics) => void>()
  private _waiters: (() => void)[] = []
  /** The pending `trackUserExperience` timeouts' teardowns: cleared once the waiters are resolved (a stop does). */
  private _uxTimeouts: Teardown[] = []
  private _frames
  private _latency = createQuantileSketch()
  private _rtt = createQuantileSketch()
  private _ops = 0
  private _syncLag: number | undefined
  private _windowStart = 0
  private _peers = new Map<RTCPeerConnection, PeerStats>()
  private _wasmMemories = new Set<WebAssembly.Memory>()
  private _wasmLoads: Record<string, unknown>[] = []
  private _long: { count: number; totalMs: number; maxMs: number; worst?: LongFrame } = {
    count: 0,
    totalMs: 0,
    maxMs: 0,
  }
  private _resources: Partial<Record<ResourceKind, Aggregate>> = {}
  private _jsBytes: number | undefined
  /** The latest `startTime` counted, by entry type: a restarted observer's buffered entries up to it were counted. */
  private _seen: Record<string, number> = {}

  constructor(options: PerformanceAnalyticsOptions = {}) {
    super()
    this._options = options
    this._budgets = options.budgets === false ? {} : { ...DEFAULT_BUDGETS, ...options.budgets }
    this._frames = createFrameStats({
      minFps: this._budgets.minFps,
      lowFpsMs: this._budgets.lowFpsMs,
      onLowFps: (fps) => this._breach('fps', round(fps), this._budgets.minFps!),
    })
  }

  // setup / start / stop: core's LifecycleFeature (the runtime calls setup; start() alone).

  /** Queues the current summary and changed Web Vitals now; used alone, also sends its queue. */
  override flush(): Promise<void> {
    this.context?.monitor.call(() => this._flush(true))
    return super.flush()
  }

  /** Its options name the own context's (`endpoint`, `consent`, `queueOptions`, `scope`, `debug`) as core does. */
  protected ownOptions(): CoreContextOptions {
    return this._options
  }

  /** The setup itself (`LifecycleFeature` runs it). */
  protected setupFeature(context: CoreContext): Teardown {
    const { scope, monitor, consent, clock } = context
    this._windowStart = clock.monotonic()
    const hide = (): void => this._flush(true)
    const teardowns: Teardown[] = [
      startInterval(monitor, () => this._flush(), this._options.summaryIntervalMs ?? 30_000),
      startInterval(monitor, () => this._poll(), this._options.statsIntervalMs ?? 2_000),
      // Capture phase: the summary must be queued before the queue's own hide handler sends.
      listen(monitor, scope, 'pagehide', hide, { capture: true }),
      listen(
        monitor,
        scope.document,
        'visibilitychange',
        () => scope.document?.visibilityState === 'hidden' && hide(),
        { capture: true },
      ),
      consent.subscribe(({ category, state }) => {
        if (category === 'performance' && state !== 'granted')
          monitor.call(() => (this._flush(), context.queue.purge?.('performance')))
      }),
    ]
    if (this._wantRealtime) this._startRealtime(context)
    return () => {
      monitor.call(() => (this._flush(true), this._realtime?.()))
      for (const teardown of teardowns) teardown()
    }
  }

  /**
   * Starts frame statistics (requestAnimationFrame, paused while hidden), long animation frames (falling back
   * to long tasks), JS and WebAssembly memory, and `.wasm` / script / worker load timings, on this setup and every
   * later one (a `stop()` then `start()`), until the returned teardown is called.
   */
  monitorRealTimeMetrics(): Teardown {
    this._wantRealtime = true
    // Set up already: now; before setup, `run` keeps it (or starts alone), and the setup starts it.
    this.run((context) => this._wantRealtime && this._startRealtime(context))
    return () => {
      this._wantRealtime = false
      this._realtime?.()
    }
  }

  private _startRealtime(context: CoreContext): void {
    if (this._realtime) return
    const { scope, monitor } = context
    const frames = this._frames
    // The time monitoring was off is not a frame, and the frame-rate second starts afresh.
    frames.pause()
    // Each part alone: one the browser refuses (an observer that throws) leaves the others running.
    const stops = [
      monitor.call(startFrameLoop, scope, monitor, frames.add, frames.pause),
      monitor.call(
        observeEntries,
        scope,
        monitor,
        ['long-animation-frame', 'longtask'],
        (entry) => this._longFrame(summarizeLongFrame(entry)),
        this._seen,
      ),
      monitor.call(
        observeEntries,
        scope,
        monitor,
        ['resource'],
        (entry) => this._resource(entry as PerformanceResourceTiming),
        this._seen,
      ),
    ]
    this._realtime = () => {
      for (const stop of stops) stop?.()
      this._realtime = undefined
    }
    this._sampleMemory()
  }

  /**
   * The Core Web Vitals (LCP, INP, CLS, FCP, TTFB) with ratings and attribution, once TTFB, FCP and LCP are
   * known (or the page is hidden, or after 10 s). Without a document (a worker) it resolves to `{}`.
   */
  trackUserExperience(): Promise<UserExperienceMetrics> {
    return new Promise((resolve) => {
      const done = (): void => resolve({ ...this._vitals })
      const scope = this.context?.scope ?? this._options.scope ?? globalThis
      if (!scope.document) return done()
      this._waiters.push(done)
      this.run((context) => {
        this._uxTimeouts.push(startTimeout(context.monitor, () => this._settle(true), UX_WAIT_MS))
        this._startVitals()
      })
    })
  }

  /** Hears the Web Vitals each time one changes (starting them if needed); returns the unsubscribe. */
  onUserExperience(callback: (metrics: UserExperienceMetrics) => void): Teardown {
    this._uxListeners.add(callback)
    this.run(() => this._startVitals())
    return () => void this._uxListeners.delete(callback)
  }

  /**
   * Round-trip and one-way latency percentiles, operations per second, sync lag and peers, for the current
   * window. Cheap enough to call every frame: `getStats()` readings come from the `statsIntervalMs` poll.
   */
  analyzeCollaborationPerformance(): CollabMetrics {
    const now = this.context?.clock.monotonic() ?? this._windowStart
    return {
      rtt: toPercentiles(this._rtt),
      latency: toPercentiles(this._latency),
      opsPerSecond: round((this._ops * 1000) / Math.max(1000, now - this._windowStart)),
      syncLagMs: this._syncLag,
      peersConnected: [...this._peers.keys()].filter(
        (peer) => (peer.connectionState ?? peer.iceConnectionState) === 'connected',
      ).length,
      peers: [...this._peers.values()],
    }
  }

  /** One collaboration latency in ms: one-way operation latency (default) or a round trip (`'rtt'`). O(1). */
  recordLatency(ms: number, kind: 'operation' | 'rtt' = 'operation'): void {
    if (isAmount(ms)) (kind === 'rtt' ? this._rtt : this._latency).add(ms)
    else this.warn('recordLatency: not a duration in ms')
  }

  /** Counts collaboration operations (for operations per second). */
  recordOperation(count = 1): void {
    if (isAmount(count)) this._ops += count
    else this.warn('recordOperation: not a count')
  }

  /** How far this client's state is behind the shared state, in ms (the window keeps the largest). */
  recordSyncLag(ms: number): void {
    if (ms >= 0 && ms < Infinity) this._syncLag = Math.max(this._syncLag ?? 0, ms)
  }

  /** Reads this connection's `getStats()` every `statsIntervalMs` (RTT, loss, jitter, bytes, candidate type). */
  trackPeerConnection(connection: RTCPeerConnection): Teardown {
    this._peers.set(connection, {})
    return () => void this._peers.delete(connection)
  }

  /** Reports this memory's size in every summary. Anything without a `buffer` (an imported memory's `undefined`) is ignored. */
  registerWasmMemory(memory: WebAssembly.Memory): Teardown {
    if (!memory?.buffer) {
      this.warn('registerWasmMemory: not a WebAssembly.Memory')
      return () => {}
    }
    this._wasmMemories.add(memory)
    return () => void this._wasmMemories.delete(memory)
  }

  /** A WebAssembly load's timings (the runtime feeds `WasmLoader`'s `onLoad` profiles here). */
  recordWasmLoad(load: WasmLoadTiming): void {
    // Inside the monitor: a getter that throws is reported, never thrown into the page.
    this.run(() => {
      if (this._wasmLoads.length >= MAX_PER_WINDOW || !load) return
      const { url, variant, cacheHit } = load
      const kept: Record<string, unknown> = { url, variant, cacheHit }
      for (const key of WASM_LOAD_AMOUNTS) {
        const value = load[key]
        if (value === undefined || isAmount(value)) kept[key] = value
        else this.warn(`recordWasmLoad: ${key} is not a number ≥ 0`)
      }
      this._wasmLoads.push(kept)
    })
  }

  /** Hears every budget breach; returns the unsubscribe. A listener that throws is skipped. */
  onBudgetBreach(listener: (breach: BudgetBreach) => void): Teardown {
    this._breachListeners.add(listener)
    return () => void this._breachListeners.delete(listener)
  }

  private _startVitals(): void {
    const scope = this.context!.scope
    if (this._vitalsOn || !scope.document) return
    this._vitalsOn = true
    startWebVitals(this.context!.monitor, (vital) => {
      this._vitals[vital.name] = vital
      this._unsent.delete(vital.id)
      this._unsent.set(vital.id, vital)
      if (this._unsent.size > MAX_UNSENT_VITALS) this._unsent.delete(this._unsent.keys().next().value!)
      const threshold = this._budgets[vital.name]
      const key = vital.name + vital.id
      if (threshold !== undefined && vital.value > threshold && !this._breached.has(key)) {
        this._breached.add(key)
        this._breach(vital.name, vital.value, threshold, vital.attribution)
      }
      for (const listener of [...this._uxListeners]) this.context?.monitor.call(listener, { ...this._vitals })
      this._settle()
    })
  }

  /** Resolves the `trackUserExperience` promises once the load metrics are in (or when forced). */
  private _settle(force = false): void {
    const { TTFB, FCP, LCP } = this._vitals
    if (force || (TTFB && FCP && LCP)) {
      for (const done of this._waiters.splice(0)) done()
      for (const stop of this._uxTimeouts.splice(0)) stop()
    }
  }

  private _longFrame(frame: LongFrame): void {
    const long = this._long
    long.count++
    long.totalMs += frame.durationMs
    long.maxMs = Math.max(long.maxMs, frame.durationMs)
    if (!long.worst || frame.durationMs > long.worst.durationMs) long.worst = frame
    const threshold = this._budgets.longFrameMs
    if (threshold !== undefined && frame.durationMs > threshold)
      this._breach('long-animation-frame', frame.durationMs, threshold, frame.script)
  }

  private _resource(entry: PerformanceResourceTiming): void {
    const kind = classifyResource(entry)
    if (!kind) return
    const total = (this._resources[kind] ??= { count: 0, ms: 0, maxMs: 0, bytes: 0 })
    total.count++
    total.ms = round(total.ms + entry.duration)
    total.maxMs = round(Math.max(total.maxMs, entry.duration))
    total.bytes += entry.transferSize || 0
  }

  private _sampleMemory(): void {
    const context = this.context
    if (context && this._realtime)
      readJsMemory(context.scope).then((bytes) => void (this._jsBytes = bytes), context.monitor.report)
  }

  private _poll(): void {
    const context = this.context
    if (!context) return
    for (const peer of this._peers.keys()) {
      // A closed connection rejects or reports nothing: its metrics are simply absent.
      context.monitor.call(() =>
        peer.getStats().then(
          (report) => {
            if (!this._peers.has(peer)) return
            const stats = readRtcStats(report as never)
            this._peers.set(peer, stats)
            if (stats.rttMs !== undefined) this._rtt.add(stats.rttMs)
          },
          () => {},
        ),
      )
    }
  }

  private _breach(metric: string, value: number, threshold: number, attribution?: Record<string, unknown>): void {
    const count = (this._perWindow[metric] = (this._perWindow[metric] ?? 0) + 1)
    const context = this.context
    if (count > MAX_PER_WINDOW || !context) return
    const breach: BudgetBreach = { metric, value, threshold, attribution }
    this._push('budget_breach', { ...breach })
    for (const listener of [...this._breachListeners]) context.monitor.call(listener, breach)
  }

  /**
   * Ends the window: its summary and the latest report of each Web Vital instance that changed are queued, with
   * consent.
   */
  private _flush(hiding = false): void {
    const context = this.context
    if (!context) return
    const summary = this._take()
    const vitals = [...this._unsent.values()]
    this._unsent.clear()
    if (hiding) this._settle(true)
    if (!context.consent.isGranted('performance')) return
    for (const vital of vitals) this._push('web_vital', { ...vital })
    if (summary) this._push('perf_summary', summary)
  }

  /** The window's summary (`undefined` when nothing happened); starts a new window. */
  private _take(): Record<string, unknown> | undefined {
    const context = this.context!
    const collab = this.analyzeCollaborationPerformance()
    const frames = this._frames.take()
    const p95 = collab.latency?.p95
    const threshold = this._budgets.collaborationP95Ms
    if (p95 !== undefined && threshold !== undefined && p95 > threshold)
      this._breach('collaboration-p95', p95, threshold)
    let wasmBytes: number | undefined
    // One memory whose read throws costs only its own bytes, not the summary.
    for (const memory of this._wasmMemories)
      context.monitor.call(() => (wasmBytes = (wasmBytes ?? 0) + memory.buffer.byteLength))
    const long = this._long
    const hasCollab = collab.rtt || collab.latency || this._ops || collab.peers.length || collab.syncLagMs !== undefined
    const summary = {
      windowMs: round(context.clock.monotonic() - this._windowStart),
      frames,
      longFrames: long.count ? { ...long, totalMs: round(long.totalMs) } : undefined,
      memory: (this._jsBytes ?? wasmBytes) ? { jsBytes: this._jsBytes, wasmBytes } : undefined,
      resources: Object.keys(this._resources).length ? this._resources : undefined,
      wasmLoads: this._wasmLoads.length ? this._wasmLoads : undefined,
      collab: hasCollab ? collab : undefined,
    }
    this._windowStart = context.clock.monotonic()
    this._latency.reset()
    this._rtt.reset()
    this._ops = 0
    this._syncLag = this._jsBytes = undefined
    this._long = { count: 0, totalMs: 0, maxMs: 0 }
    this._resources = {}
    this._wasmLoads = []
    this._perWindow = {}
    this._sampleMemory()
    return frames || summary.longFrames || summary.memory || summary.resources || summary.wasmLoads || hasCollab
      ? summary
      : undefined
  }

  private _push(type: string, payload: Record<string, unknown>): void {
    const context = this.context
    if (context?.consent.isGranted('performance'))
      context.queue.push(createEvent(context, 'performance', type, payload))
  }

  protected override warn(message: string, error?: unknown): void {
    if (this._options.debug)
      (this.context?.scope ?? globalThis).console?.warn(`[marco] performance-analytics: ${message}`, error ?? '')
  }
}

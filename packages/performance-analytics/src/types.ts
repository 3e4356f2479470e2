import type { BudgetBreach, Consent, ConsentOptions, EventQueueOptions, GlobalScope, WasmLoadTiming } from '@marco/core'
import type { WebVital } from './toWebVital'
import type { PeerStats } from './readRtcStats'
import type { ResourceKind } from './classifyResource'
import type { FrameSummary } from './createFrameStats'
import type { LongFrame } from './summarizeLongFrame'

export type { BudgetBreach, WasmLoadTiming } from '@marco/core'

/** Performance budgets; a value past one is a breach. */
export interface Budgets {
  /** Core Web Vitals, by name: INP 200 ms by default; LCP, CLS, FCP, TTFB off unless given. */
  INP?: number
  LCP?: number
  CLS?: number
  FCP?: number
  TTFB?: number
  /** p95 one-way collaboration latency per summary window, ms. Default 150. */
  collaborationP95Ms?: number
  /** Frame rate below this… Default 50. */
  minFps?: number
  /** …for this long (whole seconds below it in a row), ms. Default 5,000. */
  lowFpsMs?: number
  /** A long animation frame longer than this, ms. Default 200. */
  longFrameMs?: number
}

/** p50 / p95 / p99 of a window from the quantile sketch (±1 %), with the count and a histogram. */
export interface Percentiles {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  /** Counts over `@marco/core`'s `COLLAB_LATENCY_BOUNDS_MS` (the last bucket open). */
  readonly hist: number[]
}

/** The collaboration's health over the current summary window. Times in ms. */
export interface CollabMetrics {
  /** Round-trip times: the peer connections' candidate-pair RTT and `recordLatency(ms, 'rtt')`. */
  readonly rtt?: Percentiles
  /** One-way operation latency from `recordLatency(ms)`. */
  readonly latency?: Percentiles
  readonly opsPerSecond: number
  /** The largest sync lag recorded in the window. */
  readonly syncLagMs?: number
  /** Tracked peer connections that are connected. */
  readonly peersConnected: number
  /** The latest `getStats()` reading of each tracked connection. */
  readonly peers: PeerStats[]
}

/** The latest value of each Core Web Vital reported so far (a metric not reported yet is absent). */
export type UserExperienceMetrics = Partial<Record<WebVital['name'], WebVital>>

export interface PerformanceAnalyticsOptions {
  /** Used alone: where its own `EventQueue` sends. Inside the runtime, leave it out. */
  endpoint?: string
  /** Used alone: the consent state or its options (`performance` starts pending: nothing is sent before). */
  consent?: Consent | ConsentOptions
  /** Used alone: options for its own queue (e.g. `transport: createOtlpTransport(…)`). */
  queueOptions?: EventQueueOptions
  /** How often a `perf_summary` is sent (also on page hide). Default 30,000 ms. */
  summaryIntervalMs?: number
  /** How often tracked peer connections are read with `getStats()`. Default 2,000 ms. */
  statsIntervalMs?: number
  /** Budgets over the defaults, or `false` for none. */
  budgets?: Budgets | false
  debug?: boolean
  scope?: GlobalScope
}

/** One kind of load summed over a `perf_summary` window (Resource Timing). Times in ms. */
export interface ResourceTotal {
  readonly count: number
  readonly ms: number
  readonly maxMs: number
  readonly bytes: number
}

/**
 * The payload of a `perf_summary` event: one summary window. A part with nothing to report is absent. Its
 * histograms use `FRAME_BOUNDS_MS` (frames) and `@marco/core`'s `COLLAB_LATENCY_BOUNDS_MS` (collaboration).
 *
 * @example
 * const fps = (event.payload as PerfSummaryPayload).frames?.fps
 */
export interface PerfSummaryPayload {
  readonly windowMs: number
  readonly frames?: FrameSummary
  readonly longFrames?: {
    readonly count: number
    readonly totalMs: number
    readonly maxMs: number
    readonly worst?: LongFrame
  }
  readonly memory?: { readonly jsBytes?: number; readonly wasmBytes?: number }
  readonly resources?: Partial<Record<ResourceKind, ResourceTotal>>
  readonly wasmLoads?: WasmLoadTiming[]
  readonly collab?: CollabMetrics
}

/**
 * The payload of each event type performance analytics sends (category `performance`), by type.
 *
 * @example
 * const vital = event.payload as PerformancePayloads['web_vital'] // { name: 'INP', value: 180, rating: 'good', … }
 */
export interface PerformancePayloads {
  readonly web_vital: WebVital
  readonly perf_summary: PerfSummaryPayload
  readonly budget_breach: BudgetBreach
}

/**
 * The event types performance analytics sends.
 *
 * @example
 * const type: PerformanceEventType = 'perf_summary'
 */
export type PerformanceEventType = keyof PerformancePayloads

export { PerformanceAnalytics, DEFAULT_BUDGETS } from './PerformanceAnalytics'
export type {
  PerformanceAnalyticsOptions,
  Budgets,
  BudgetBreach,
  CollabMetrics,
  Percentiles,
  UserExperienceMetrics,
  WasmLoadTiming,
  PerfSummaryPayload,
  PerformancePayloads,
  PerformanceEventType,
  ResourceTotal,
} from './types'
export type { WebVital } from './toWebVital'
export { createQuantileSketch } from './createQuantileSketch'
export type { QuantileSketch, QuantileSketchOptions } from './createQuantileSketch'
export { createFrameStats, FRAME_BOUNDS_MS, JANK_FRAME_MS } from './createFrameStats'
export type { FrameStats, FrameSummary } from './createFrameStats'
export { readRtcStats } from './readRtcStats'
export type { PeerStats } from './readRtcStats'
export { summarizeLongFrame } from './summarizeLongFrame'
export type { LongFrame } from './summarizeLongFrame'
export { classifyResource } from './classifyResource'
export type { ResourceKind } from './classifyResource'
export { readJsMemory } from './readJsMemory'
export { toPercentiles, LATENCY_BOUNDS_MS } from './toPercentiles'
export { toWebVital } from './toWebVital'
export { createOtlpTransport } from './createOtlpTransport'
export type { OtlpTransportOptions } from './createOtlpTransport'
export { toOtlpMetrics } from './toOtlpMetrics'

export { AnalyticsEngine } from './AnalyticsEngine'
export type { AnalyticsOptions, EventCatalogue } from './AnalyticsEngine'
export { GESTURE_TYPES } from './gestures'
export type { GestureType } from './gestures'
export { BOUNDS, createSummary, addToSummary } from './summary'
export type { HistogramSummary } from './summary'
export type {
  AnalyticsEventType,
  AnalyticsIdentity,
  AnalyticsPayloads,
  CanvasSummaryPayload,
  IdentifyPayload,
  PagePayload,
  SessionEndPayload,
  TrackPayload,
} from './events'
export { createAggregator, MAX_KEYS_PER_WINDOW } from './createAggregator'
export type { Aggregator } from './createAggregator'
export { readBatchContext } from './readBatchContext'
export { startPageViews } from './startPageViews'
export { createSegmentTransport, toSegmentMessage } from './createSegmentTransport'
export type { SegmentTransportOptions } from './createSegmentTransport'

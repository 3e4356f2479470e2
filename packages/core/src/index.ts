export { globalScope, supportsStorage } from './scope'
export type { GlobalScope } from './scope'
export { createClock } from './clock'
export type { Clock } from './clock'
export { createId } from './createId'
export { createMonitor, listen, startTimeout, startInterval } from './monitor'
export type { Monitor, MonitorOptions, Teardown, ListenTarget } from './monitor'
export { serialize } from './serialize'
export type { SerializeLimits, JsonValue } from './serialize'
export { Consent, CONSENT_CATEGORIES } from './Consent'
export type { ConsentCategory, ConsentState, ConsentSnapshot, ConsentChange, ConsentOptions } from './Consent'
export { createScrubber, DEFAULT_DENY_KEYS, rememberRecent } from './scrub'
export type { Scrubber, ScrubOptions } from './scrub'
export { isSampled } from './isSampled'
export { EventQueue, POISON_ATTEMPTS, utf8Length } from './EventQueue'
export { createUnloadBudget, KEEPALIVE_LIMIT_BYTES } from './unloadBudget'
export type { UnloadBudget } from './unloadBudget'
export type { EventQueueOptions, FlushResult, QueueStats } from './EventQueue'
export { nextRetryDelay, RETRY_BASE_MS, RETRY_MAX_MS } from './nextRetryDelay'
export type { RetryPolicy } from './nextRetryDelay'
export { createHttpTransport, parseRetryAfter, toSendResult, COMPRESS_MIN_BYTES } from './createHttpTransport'
export type { Transport, SendOptions, SendResult, HttpTransportOptions, EncodedBatch } from './createHttpTransport'
export { openEventStore } from './openEventStore'
export type { EventStore, StoredEvent } from './openEventStore'
export { startTabOwnership } from './startTabOwnership'
export type { TabOwnershipOptions } from './startTabOwnership'
export { COLLAB_LATENCY_BOUNDS_MS, MAX_BATCH_EVENTS, WIRE_VERSION } from './wire'
export type { WireBatch, WireEvent, DropCount, DropReason } from './wire'
export type { SdkEvent, EventSink, CoreContext, Feature } from './types'
export { createCoreContext } from './createCoreContext'
export { createEvent } from './createEvent'
export type { CoreContextOptions, OwnedCoreContext } from './createCoreContext'
export {
  isBudgetSource,
  isCspViolationSink,
  isCspViolationSource,
  isPerformanceIssueSink,
  isWasmLoadSink,
  isWasmLoadSource,
  toCspViolation,
} from './capabilities'
export type {
  BudgetBreach,
  BudgetSource,
  CspViolation,
  CspViolationSink,
  CspViolationSource,
  PerformanceIssueSink,
  WasmLoadSink,
  WasmLoadSource,
  WasmLoadTiming,
} from './capabilities'
export { LifecycleFeature, MAX_EARLY_CALLS } from './LifecycleFeature'

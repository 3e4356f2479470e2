export { CrashReporter } from './CrashReporter'
export { parseStack } from './parseStack'
export { createSentryTransport } from './createSentryTransport'
export { toSentryEvent } from './toSentryEvent'
export type { SentryTransportOptions } from './createSentryTransport'
export type { CrashEventType } from './deliver'
export type { CspViolation } from '@marco/core'
export type {
  Breadcrumb,
  BreadcrumbOptions,
  CrashEnvelope,
  CrashPayloads,
  CrashReporterOptions,
  ErrorContext,
  ErrorReport,
  ExceptionEntry,
  Level,
  PerformanceMetric,
  StackFrame,
  UrlPattern,
} from './types'

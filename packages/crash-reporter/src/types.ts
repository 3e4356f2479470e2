import type {
  Consent,
  ConsentOptions,
  EventQueueOptions,
  GlobalScope,
  JsonValue,
  ScrubOptions,
  SdkEvent,
} from '@marco/core'

/**
 * A URL test: a substring of the URL, or a RegExp run against it.
 *
 * @example
 * const patterns: UrlPattern[] = ['https://app.example/', /\/static\/js\//]
 */
export type UrlPattern = string | RegExp

/**
 * How bad a captured message is.
 *
 * @example
 * reporter.captureMessage('sync fell back to polling', 'warning' satisfies Level)
 */
export type Level = 'debug' | 'info' | 'warning' | 'error' | 'fatal'

/**
 * One stack frame, as {@link parseStack} reads it from any engine's stack string.
 *
 * @example
 * const frame: StackFrame = { function: 'draw', file: 'https://app.example/main.js', line: 3, column: 14, inApp: true }
 */
export interface StackFrame {
  /** The function name as the engine printed it; `'?'` when anonymous. */
  function: string
  /** The script URL, `'native'`, `'[native code]'`, `'<anonymous>'`, or the wasm module URL. */
  file: string
  line?: number
  column?: number
  /** Whether the frame is the app's own code (see `inAppUrls`). */
  inApp: boolean
  /** WebAssembly only: the module's name (last segment of its URL). */
  module?: string
  /** WebAssembly only: the function index in the module. */
  functionIndex?: number
  /** WebAssembly only: the byte offset in the module, as hex (`'0x1a2b'`). */
  offset?: string
}

/**
 * One error of a captured exception: the error itself, its `cause` chain, the inner errors of an
 * `AggregateError`.
 *
 * @example
 * const entry: ExceptionEntry = { type: 'RuntimeError', message: 'unreachable', frames: [], wasm: 'unreachable' }
 */
export interface ExceptionEntry {
  type: string
  message: string
  /** Newest frame first, as the stack string lists them. */
  frames: StackFrame[]
  /** WebAssembly crashes: `unreachable`, `out_of_bounds`, `stack_overflow`, `divide_by_zero` or `trap`. */
  wasm?: string
}

/**
 * What a caller may add to one captured exception.
 *
 * @example
 * reporter.captureException(error, { tags: { tool: 'pen' }, extra: { strokes: 12 }, level: 'fatal' })
 */
export interface ErrorContext {
  tags?: Record<string, string>
  /** Any data; serialized with core's `serialize` and scrubbed. */
  extra?: unknown
  level?: Level
  /** `false` for errors nobody caught (the global handlers set it). Default `true`. */
  handled?: boolean
  /** How it was caught: `captureException`, `onerror`, `onunhandledrejection`, `resource`, `worker`… */
  mechanism?: string
}

/**
 * A breadcrumb: something that happened before an error.
 *
 * @example
 * reporter.addBreadcrumb({ category: 'canvas', message: 'layer added', data: { layer: 3 } })
 */
export interface Breadcrumb {
  /** `ui.click`, `console`, `fetch`, `xhr`, `navigation`, or your own. */
  category: string
  message?: string
  level?: Level
  data?: Record<string, unknown>
  /** Wall-clock ms; set when added. */
  ts?: number
}

/**
 * A performance budget that was breached (the runtime reports these from `@marco/performance-analytics`).
 *
 * @example
 * reporter.reportPerformanceIssue({ name: 'INP', value: 420, threshold: 200, unit: 'ms', attribution: { target:
 * 'canvas' } })
 */
export interface PerformanceMetric {
  /** `long-frame`, `wasm-load`, `INP`, … */
  name?: string
  /** The same, as `@marco/performance-analytics` names it in a budget breach (the runtime forwards those). */
  metric?: string
  value: number
  threshold?: number
  unit?: string
  /** What caused it (element, script, module); serialized and scrubbed. */
  attribution?: Record<string, unknown>
}

/**
 * Which breadcrumbs are collected automatically (all on by default).
 *
 * @example
 * new CrashReporter({ breadcrumbs: { console: false } })
 */
export interface BreadcrumbOptions {
  clicks?: boolean
  console?: boolean
  fetch?: boolean
  xhr?: boolean
  navigation?: boolean
}

/**
 * Options of a {@link CrashReporter}; every field is optional.
 *
 * @example
 * const options: CrashReporterOptions = { endpoint: '/v1/batch', inAppUrls: [location.origin], ignoreErrors:
 * [/AbortError/] }
 */
export interface CrashReporterOptions {
  /** Alone (`start()`): where the own `EventQueue` sends. */
  endpoint?: string
  /** Alone (`start()`): the consent state or its options (crash is `pending` until granted). */
  consent?: Consent | ConsentOptions
  /** Alone (`start()`): options for the own `EventQueue`. */
  queueOptions?: EventQueueOptions
  /** Alone (`start()`): the scope to watch. */
  scope?: GlobalScope
  debug?: boolean
  release?: string
  environment?: string
  /**
   * Frames whose URL matches are the app's own; default every http(s), blob, file and webpack URL outside node_modules
   * and extensions.
   */
  inAppUrls?: readonly UrlPattern[]
  /** Errors whose `Type: message` matches are not reported. */
  ignoreErrors?: readonly UrlPattern[]
  /** Errors whose newest frame's URL matches are not reported. */
  denyUrls?: readonly UrlPattern[]
  /** Sees every event before it is queued; return `null` to drop it. A hook that throws is skipped. */
  beforeSend?: (event: SdkEvent) => SdkEvent | null
  /** Sees every breadcrumb; return `null` to drop it. A hook that throws is skipped. */
  beforeBreadcrumb?: (breadcrumb: Breadcrumb) => Breadcrumb | null
  /** Automatic breadcrumbs; `false` turns them all off. */
  breadcrumbs?: BreadcrumbOptions | false
  /** Breadcrumbs kept (a ring). Default 30. */
  maxBreadcrumbs?: number
  /** The first quiet period after an error is sent; it doubles for each repeat sent, up to a minute. Default 1 s. */
  dedupeWindowMs?: number
  /** Events sent per minute at most, over all errors. Default 30. */
  maxEventsPerMinute?: number
  /** Install the global `error`, `unhandledrejection` and `securitypolicyviolation` listeners. Default true. */
  globalHandlers?: boolean
  /** Extra scrubbing rules (core `createScrubber`). */
  scrub?: ScrubOptions
}

/**
 * The snapshot `generateErrorReport()` returns for a "report a bug" button: JSON data, plus `text` for people.
 *
 * @example
 * const report: ErrorReport = reporter.generateErrorReport()
 * navigator.clipboard.writeText(report.text)
 */
export interface ErrorReport {
  createdAt: string
  environment: Record<string, JsonValue>
  /** The last errors captured, newest last, with parsed stacks. */
  errors: Record<string, unknown>[]
  breadcrumbs: Breadcrumb[]
  performance: Record<string, JsonValue>
  config: Record<string, JsonValue>
  /** The same, readable. */
  text: string
}

/**
 * What every crash event's payload carries besides its own fields (`deliver` adds them): the fingerprint, the
 * occurrences it stands for, the page, and the scope set with `setTag` / `setUser` / `setContext`, all
 * scrubbed; `release` and `environment` as configured. `beforeSend` may change any of it.
 */
export interface CrashEnvelope {
  readonly fingerprint: string
  /** Occurrences this event stands for: itself and the ones counted since the last send of the same error. */
  readonly count: number
  readonly level: Level
  readonly release?: string
  readonly environment?: string
  /** The page's URL, scrubbed. */
  readonly url?: string
  readonly tags: Readonly<Record<string, JsonValue>>
  readonly user?: JsonValue
  readonly contexts: Readonly<Record<string, JsonValue>>
  readonly breadcrumbs: readonly Breadcrumb[]
}

/**
 * The payload of each crash event type, as the crash reporter sends it (`batch.v1.json` validates the same
 * shapes). `crash_count` is the compact record of occurrences counted and not sent (`flushCounts`).
 *
 * @example
 * const exception = event.payload as CrashPayloads['exception'] // { exceptions: [{ type: 'TypeError', … }], … }
 */
export interface CrashPayloads {
  readonly exception: CrashEnvelope & {
    /** The error first, then its causes. */
    readonly exceptions: readonly ExceptionEntry[]
    readonly handled: boolean
    /** `onerror`, `onunhandledrejection`, `captureException`, `worker`, … */
    readonly mechanism: string
    readonly extra?: JsonValue
  }
  readonly message: CrashEnvelope & { readonly message: string }
  readonly performance_issue: CrashEnvelope & {
    readonly metric: {
      readonly name: string
      readonly value: number
      readonly threshold?: number
      readonly unit?: string
    }
    readonly attribution?: JsonValue
  }
  readonly csp_violation: CrashEnvelope & {
    readonly directive: string
    readonly blockedUri: string
    readonly sourceFile: string
    readonly line?: number
    readonly column?: number
    readonly disposition?: string
    readonly sample?: string
  }
  readonly crash_count: { readonly fingerprint: string; readonly count: number }
}

import type { Teardown } from './monitor'

/**
 * What the runtime wires between features, typed once here (features never import each other): a feature
 * `implements` the interfaces of what it offers, and the runtime finds them with the type guards below. A
 * renamed method breaks the `implements` clause and the wiring at compile time.
 */

/**
 * A performance budget breach: a metric past its threshold, with what caused it.
 *
 * @example
 * const breach: BudgetBreach = { metric: 'INP', value: 420, threshold: 200, attribution: { target: 'canvas' } }
 */
export interface BudgetBreach {
  /** `INP`, `LCP`, `CLS`, `FCP`, `TTFB`, `collaboration-p95`, `fps`, `long-animation-frame`, … */
  readonly metric: string
  readonly value: number
  readonly threshold: number
  /** What caused it: the INP element and its split, the long frame's script, … */
  readonly attribution?: Record<string, unknown>
}

/**
 * A Content-Security-Policy violation, as read from a `SecurityPolicyViolationEvent` by {@link toCspViolation}.
 *
 * @example
 * const violation: CspViolation = toCspViolation(event)
 */
export interface CspViolation {
  /** The directive that blocked, e.g. `script-src-elem`. */
  readonly directive: string
  /** What was blocked: a URL, or `inline`, `eval`, `wasm-eval`, `trusted-types-sink`. */
  readonly blockedUri: string
  readonly documentUri: string
  readonly sourceFile: string
  readonly line: number
  readonly column: number
  /** The first 40 characters of the blocked inline script or style, when the policy asks for samples. */
  readonly sample: string
  /** `enforce` (it was blocked) or `report` (report-only policy). */
  readonly disposition: string
}

/**
 * A WebAssembly load's timings, as `@marco/wasm-loader` profiles every load. Times in ms.
 *
 * @example
 * const load: WasmLoadTiming = { url: '/core.wasm', bytes: 812, cacheHit: false, fetchMs: 12, compileMs: 3, totalMs: 16 }
 */
export interface WasmLoadTiming {
  readonly url?: string
  readonly variant?: string
  readonly bytes?: number
  readonly cacheHit?: boolean
  readonly fetchMs?: number
  readonly verifyMs?: number
  readonly compileMs?: number
  readonly instantiateMs?: number
  readonly totalMs?: number
}

/** Offers budget breaches (performance analytics). */
export interface BudgetSource {
  onBudgetBreach(listener: (breach: BudgetBreach) => void): Teardown
}

/** Takes a breach as a performance issue (the crash reporter). */
export interface PerformanceIssueSink {
  reportPerformanceIssue(issue: BudgetBreach): void
}

/** Offers the page's CSP violations (`@marco/security`'s `CspReporting`). */
export interface CspViolationSource {
  onCspViolation(listener: (violation: CspViolation) => void): Teardown
}

/** Takes CSP violations (the crash reporter, as `csp_violation` events). */
export interface CspViolationSink {
  reportCspViolation(violation: CspViolation): void
}

/** Offers every WebAssembly load's timings (`WasmLoader`). */
export interface WasmLoadSource {
  onLoad(listener: (load: WasmLoadTiming) => void): Teardown
}

/** Takes WebAssembly load timings (performance analytics). */
export interface WasmLoadSink {
  recordWasmLoad(load: WasmLoadTiming): void
}

type Maybe<T> = { readonly [K in keyof T]?: unknown }
const isMethod = (value: unknown): boolean => typeof value === 'function'

/** @example if (isBudgetSource(feature)) feature.onBudgetBreach(console.warn) */
export const isBudgetSource = <T extends object>(feature: T): feature is T & BudgetSource =>
  isMethod((feature as Maybe<BudgetSource>).onBudgetBreach)

/** @example if (isPerformanceIssueSink(feature)) feature.reportPerformanceIssue(breach) */
export const isPerformanceIssueSink = <T extends object>(feature: T): feature is T & PerformanceIssueSink =>
  isMethod((feature as Maybe<PerformanceIssueSink>).reportPerformanceIssue)

/** @example if (isCspViolationSource(feature)) feature.onCspViolation(console.warn) */
export const isCspViolationSource = <T extends object>(feature: T): feature is T & CspViolationSource =>
  isMethod((feature as Maybe<CspViolationSource>).onCspViolation)

/** @example if (isCspViolationSink(feature)) feature.reportCspViolation(violation) */
export const isCspViolationSink = <T extends object>(feature: T): feature is T & CspViolationSink =>
  isMethod((feature as Maybe<CspViolationSink>).reportCspViolation)

/** @example if (isWasmLoadSource(feature)) feature.onLoad(console.log) */
export const isWasmLoadSource = <T extends object>(feature: T): feature is T & WasmLoadSource =>
  isMethod((feature as Maybe<WasmLoadSource>).onLoad)

/** @example if (isWasmLoadSink(feature)) feature.recordWasmLoad(load) */
export const isWasmLoadSink = <T extends object>(feature: T): feature is T & WasmLoadSink =>
  isMethod((feature as Maybe<WasmLoadSink>).recordWasmLoad)

/**
 * The one reading of a `securitypolicyviolation` event, for every listener of it.
 *
 * @example
 * addEventListener('securitypolicyviolation', (event) => report(toCspViolation(event)))
 */
export const toCspViolation = (event: SecurityPolicyViolationEvent): CspViolation => ({
  directive: event.effectiveDirective || event.violatedDirective,
  blockedUri: event.blockedURI,
  documentUri: event.documentURI,
  sourceFile: event.sourceFile,
  line: event.lineNumber,
  column: event.columnNumber,
  sample: event.sample,
  disposition: event.disposition,
})

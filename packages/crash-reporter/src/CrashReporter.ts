import {
  createScrubber,
  LifecycleFeature,
  serialize,
  type CoreContext,
  type CspViolation,
  type CspViolationSink,
  type JsonValue,
  type ListenTarget,
  type PerformanceIssueSink,
  type Teardown,
} from '@marco/core'
import { captureException } from './captureException'
import { captureMessage } from './captureMessage'
import { createRateLimiter } from './createRateLimiter'
import { generateErrorReport } from './generateErrorReport'
import { pushBreadcrumb } from './pushBreadcrumb'
import type { ReporterState } from './ReporterState'
import { reportCspViolation } from './reportCspViolation'
import { reportPerformanceIssue } from './reportPerformanceIssue'
import { startBreadcrumbs } from './startBreadcrumbs'
import { startCountFlush } from './startCountFlush'
import { startGlobalHandlers } from './startGlobalHandlers'
import { startWorkerHandlers } from './startWorkerHandlers'
import type { Breadcrumb, CrashReporterOptions, ErrorContext, ErrorReport, Level, PerformanceMetric } from './types'

/**
 * A report's own fields that are not text (wire schema: `crashEnrichment`, `exception`, `stackFrame`, …): no deny
 * key redacts them, since '[Filtered]' in place of a count or a list would not fit the schema and the collector
 * would refuse the whole batch. A deny key still redacts longer keys that contain it (`count` → `accountCount`).
 */
const OWN_FIELDS =
  'count tags contexts breadcrumbs exceptions frames line column inApp functionIndex handled metric value threshold'

/**
 * Every error of the app, wasm included, understood and never noisy: global capture (`error`,
 * `unhandledrejection`, `securitypolicyviolation`, workers), stack parsing for every engine and for wasm
 * frames, breadcrumbs, fingerprints, dedupe and rate limits, noise filters, PII scrubbing, and a bug-report
 * snapshot. Events are `crash` category and go nowhere before `crash` consent is granted.
 *
 * With the runtime, it is a `Feature` (`setup(context)`); alone, `start()` builds its own context and queue.
 *
 * @example
 * const reporter = new CrashReporter({ endpoint: '/v1/batch', consent: { defaults: { crash: 'granted' } }, inAppUrls:
 * [location.origin] })
 * const stop = reporter.start()
 * reporter.setTag('tool', 'pen')
 * try { draw() } catch (error) { reporter.captureException(error, { extra: { layer: 3 } }) }
 */
export class CrashReporter extends LifecycleFeature implements PerformanceIssueSink, CspViolationSink {
  readonly name = 'crash-reporter'
  private _state: ReporterState
  constructor(options: CrashReporterOptions = {}) {
    super()
    this._state = {
      options: options,
      scrubber: createScrubber({
        ...options.scrub,
        allowKeys: [...(options.scrub?.allowKeys || []), ...OWN_FIELDS.split(' ')],
      }),
      limit: createRateLimiter(options.dedupeWindowMs ?? 1000, options.maxEventsPerMinute ?? 30),
      crumbs: [],
      recent: [],
      perf: [],
      tags: {},
      contexts: {},
      busy: false,
    }
  }

  // setup / start / flush / stop: core's LifecycleFeature (the runtime calls setup; start() alone).

  /** Captures anything thrown: Errors, strings, objects, `null`, DOMExceptions, `AggregateError`s, `cause` chains. */
  captureException(error: unknown, context?: ErrorContext): void {
    this.run(() => captureException(this._state, error, context))
  }

  captureMessage(message: string, level?: Level): void {
    this.run(() => captureMessage(this._state, message, level))
  }

  /** A breached performance budget (long frame, slow wasm load, INP over threshold). */
  reportPerformanceIssue(metric: PerformanceMetric): void {
    this.run(() => reportPerformanceIssue(this._state, metric))
  }

  /**
   * A CSP violation: one `CspReporting` hears (the runtime forwards them), or `toCspViolation(event)` of your own
   * `securitypolicyviolation` listener.
   */
  reportCspViolation(violation: CspViolation): void {
    this.run(() => reportCspViolation(this._state, violation))
  }

  addBreadcrumb(breadcrumb: Breadcrumb): void {
    this._state.context?.monitor.call(pushBreadcrumb, this._state, breadcrumb)
  }

  /** Captures a worker's uncaught errors and the errors it posts as `{ marcoError }`. Call after setup. */
  observeWorker(worker: ListenTarget): Teardown {
    return this._state.context?.monitor.call(startWorkerHandlers, this._state, worker) || (() => {})
  }

  /** The user on every event (`null` forgets it); personal fields such as `email` are scrubbed. */
  setUser(user: { id?: string; [key: string]: unknown } | null): void {
    this._state.user = user ? serialize(user, { maxBytes: 2048 }) : undefined
  }

  setTag(key: string, value: string): void {
    try {
      this._state.tags[key] = String(value)
    } catch {
      // a value whose toString throws is not a tag
    }
  }

  /** Named data on every event (`null` removes it), serialized with core's `serialize`. */
  setContext(name: string, value: unknown): void {
    if (value == null) delete this._state.contexts[name]
    else this._state.contexts[name] = serialize(value, { maxBytes: 8192 }) as JsonValue
  }

  /** A snapshot for a "report a bug" button: environment, last errors, breadcrumbs, performance, config. */
  generateErrorReport(): ErrorReport {
    return generateErrorReport(this._state)
  }

  /** Its options name the own context's (`endpoint`, `consent`, `queueOptions`, `scope`, `debug`) as core does. */
  protected ownOptions(): CrashReporterOptions {
    return this._state.options
  }

  /** Installs the global handlers and breadcrumbs on `context.scope`. Returns the teardown. */
  protected setupFeature(context: CoreContext): Teardown {
    const state = this._state
    const options = state.options
    state.context = context
    const stops = context.monitor.call(() => [
      context.consent.subscribe(({ category, state: now }) => {
        // Revoked: what is held goes, the occurrences counted and not sent too.
        if (category === 'crash' && now !== 'granted') {
          state.crumbs.length = state.recent.length = state.perf.length = 0
          state.limit.take()
        }
      }),
      options.globalHandlers === false ? () => {} : startGlobalHandlers(state),
      startCountFlush(state),
      options.breadcrumbs === false
        ? () => {}
        : startBreadcrumbs(
            context,
            options.breadcrumbs ?? {},
            // The reporter's own deliveries are not what led to an error (gzip'd ones go to `endpoint?encoding=gzip`).
            (crumb) =>
              (options.endpoint && String(crumb.data?.url).split('?')[0] === options.endpoint.split('?')[0]) ||
              pushBreadcrumb(state, crumb),
            (url, status) => {
              if (/\.wasm([?#]|$)/.test(url)) {
                captureException(
                  state,
                  { name: 'ResourceError', message: `Failed to load wasm ${state.scrubber.url(url)} (${status})` },
                  { handled: false, mechanism: 'resource' },
                )
              }
            },
          ),
    ])
    return () => {
      stops?.forEach((stop) => stop())
      state.context = undefined
    }
  }
}

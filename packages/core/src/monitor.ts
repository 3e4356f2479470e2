import { globalScope, type GlobalScope } from './scope'

/**
 * The SDK's error boundary. Every public method body runs through `call`, every callback handed to the
 * browser through `wrap`: an error inside the SDK is reported to `onError` and never reaches the host page.
 */
export interface Monitor {
  /** Runs `fn`; if it throws, reports the error and returns `undefined`. */
  call<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R | undefined
  /** The same function, guarded: it never throws. */
  wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined
  /** Reports an internal error (usable as a `.catch` handler). Never throws. */
  report(error: unknown): void
}

export interface MonitorOptions {
  /** Hears every internal error. An error thrown by this callback itself is swallowed. */
  onError?: (error: unknown) => void
  /** Also write internal errors to `console.warn`. */
  debug?: boolean
  scope?: GlobalScope
}

/**
 * Creates an error boundary.
 *
 * @example
 * const monitor = createMonitor({ onError: (e) => internalErrors.push(e) })
 * monitor.call(() => JSON.parse('{')) // undefined; the SyntaxError went to onError
 */
/* @__NO_SIDE_EFFECTS__ */
export function createMonitor(options: MonitorOptions = {}): Monitor {
  const { onError, debug, scope = globalScope } = options
  // A report that itself fails (a throwing onError, a broken console) must not recurse.
  let reporting = false
  const report = (error: unknown): void => {
    if (reporting) return
    reporting = true
    try {
      if (debug) scope.console?.warn('[marco] internal error', error)
      onError?.(error)
    } catch {
      // nothing left to tell
    } finally {
      reporting = false
    }
  }
  const call = <A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R | undefined => {
    try {
      return fn(...args)
    } catch (error) {
      report(error)
      return undefined
    }
  }
  return {
    call,
    wrap: (fn) =>
      function (this: unknown, ...args) {
        try {
          return fn.apply(this, args)
        } catch (error) {
          report(error)
          return undefined
        }
      },
    report,
  }
}

/** Removes what was added; safe to call more than once. */
export type Teardown = () => void

/** Anything with `addEventListener` / `removeEventListener`. */
export interface ListenTarget {
  // Method syntax (bivariant) so a Window, Document, EventTarget or the global scope all fit.
  addEventListener?(type: string, listener: (event: Event) => void, options?: AddEventListenerOptions | boolean): void
  removeEventListener?(type: string, listener: (event: Event) => void, options?: EventListenerOptions | boolean): void
}

/**
 * Adds an event listener whose handler runs inside the monitor; returns its removal. Passive by default,
 * so a listener on touch or wheel events never delays scrolling. A missing target is a no-op.
 *
 * @example
 * const stop = listen(monitor, globalScope.document, 'visibilitychange', () => flush())
 * stop()
 */
export function listen<E = Event>(
  monitor: Monitor,
  target: ListenTarget | undefined | null,
  type: string,
  handler: (event: E) => void,
  options: AddEventListenerOptions = {},
): Teardown {
  if (!target || typeof target.addEventListener !== 'function') return () => {}
  const wrapped = monitor.wrap(handler) as unknown as (event: Event) => void
  const opts = { passive: true, ...options }
  const added = monitor.call(() => {
    target.addEventListener!(type, wrapped, opts)
    return true
  })
  if (!added) return () => {}
  let active = true
  return () => {
    if (!active) return
    active = false
    monitor.call(() => target.removeEventListener?.(type, wrapped, opts))
  }
}

/**
 * `setTimeout` whose callback runs inside the monitor; returns its cancellation. In Node the timer does not
 * keep the process alive.
 *
 * @example
 * const cancel = startTimeout(monitor, () => flush(), 5000)
 */
export function startTimeout(monitor: Monitor, callback: () => void, delayMs: number): Teardown {
  const handle = setTimeout(monitor.wrap(callback), delayMs)
  ;(handle as { unref?: () => void }).unref?.()
  return () => clearTimeout(handle)
}

/**
 * `setInterval` whose callback runs inside the monitor; returns its cancellation. In Node the interval does
 * not keep the process alive.
 *
 * @example
 * const stop = startInterval(monitor, () => flush(), 5000)
 */
export function startInterval(monitor: Monitor, callback: () => void, intervalMs: number): Teardown {
  const handle = setInterval(monitor.wrap(callback), intervalMs)
  ;(handle as { unref?: () => void }).unref?.()
  return () => clearInterval(handle)
}

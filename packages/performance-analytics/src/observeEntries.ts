import type { GlobalScope, Monitor, Teardown } from '@marco/core'

/**
 * Observes the first of `types` this browser supports (`PerformanceObserver.supportedEntryTypes`), with
 * the entries already buffered; the callback runs inside the monitor. Returns its teardown, or `undefined`
 * when none is supported (the metric is then absent).
 *
 * @example
 * const stop = observeEntries(scope, monitor, ['long-animation-frame', 'longtask'], (entry) => count(entry))
 */
export function observeEntries(
  scope: GlobalScope,
  monitor: Monitor,
  types: readonly string[],
  callback: (entry: PerformanceEntry) => void,
): Teardown | undefined {
  const Observer = scope.PerformanceObserver
  const type = types.find((t) => Observer?.supportedEntryTypes?.includes(t))
  if (!Observer || !type) return undefined
  const observer = new Observer(
    monitor.wrap((list: PerformanceObserverEntryList) => list.getEntries().forEach(callback)),
  )
  observer.observe({ type, buffered: true })
  return () => observer.disconnect()
}

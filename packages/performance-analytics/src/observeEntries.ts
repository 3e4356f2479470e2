import type { GlobalScope, Monitor, Teardown } from '@marco/core'

/**
 * Observes the first of `types` this browser supports (`PerformanceObserver.supportedEntryTypes`), with
 * the entries already buffered; the callback runs inside the monitor. `seen` (kept across calls) holds the latest
 * `startTime` passed on, by type: a later observer's buffered entries at or before it were passed on already and
 * are skipped. Returns its teardown, or `undefined` when none is supported (the metric is then absent).
 *
 * @example
 * const stop = observeEntries(scope, monitor, ['long-animation-frame', 'longtask'], (entry) => count(entry), seen)
 */
export function observeEntries(
  scope: GlobalScope,
  monitor: Monitor,
  types: readonly string[],
  callback: (entry: PerformanceEntry) => void,
  seen: Record<string, number>,
): Teardown | undefined {
  const Observer = scope.PerformanceObserver
  const type = types.find((t) => Observer?.supportedEntryTypes?.includes(t))
  if (!Observer || !type) return undefined
  // Fixed for this observer: entries do not arrive in `startTime` order (a resource's comes when it ends).
  const after = seen[type] ?? -1
  const observer = new Observer(
    monitor.wrap((list: PerformanceObserverEntryList) =>
      list.getEntries().forEach((entry) => {
        const start = entry.startTime || 0
        if (start > after) {
          seen[type] = Math.max(seen[type] ?? 0, start)
          callback(entry)
        }
      }),
    ),
  )
  observer.observe({ type, buffered: true })
  return () => observer.disconnect()
}

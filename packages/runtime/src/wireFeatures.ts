import type { Feature, Monitor, Teardown } from '@marco/core'
import type { MarcoEventMap } from './MarcoRuntime'

type Subscribe = (listener: (value: never) => void) => Teardown | undefined
type Capable = Feature & Record<string, unknown>

/**
 * The wiring between features, found by what each can do rather than by importing them (so an app bundles
 * only the features it passes): a performance budget breach (`onBudgetBreach`) becomes
 * `reportPerformanceIssue` on the crash reporter; a CSP violation (`onCspViolation`) becomes
 * `reportCspViolation`; a wasm load profile (`onLoad`) becomes `recordWasmLoad` of performance analytics. Each
 * also reaches the runtime's listeners. Returns the teardown.
 *
 * @example
 * const unwire = wireFeatures([perf, crash, wasm], monitor, emit)
 */
export function wireFeatures(
  features: readonly Feature[],
  monitor: Monitor,
  emit: <K extends keyof MarcoEventMap>(event: K, value: MarcoEventMap[K]) => void,
): Teardown {
  const all = features as Capable[]
  const target = (method: string) => all.find((feature) => typeof feature[method] === 'function')
  const call = (method: string, value: unknown) => {
    const feature = target(method)
    if (feature) monitor.call(() => (feature[method] as (value: unknown) => void)(value))
  }
  const routes: [source: string, event: keyof MarcoEventMap | undefined, sink: string][] = [
    ['onBudgetBreach', 'budget', 'reportPerformanceIssue'],
    ['onCspViolation', 'csp-violation', 'reportCspViolation'],
    ['onLoad', undefined, 'recordWasmLoad'],
  ]
  const teardowns: Teardown[] = []
  for (const feature of all) {
    for (const [source, event, sink] of routes) {
      if (typeof feature[source] !== 'function') continue
      const stop = monitor.call(() =>
        (feature[source] as Subscribe).call(feature, ((value: unknown) => {
          if (event) emit(event, value as never)
          call(sink, value)
        }) as (value: never) => void),
      )
      if (typeof stop === 'function') teardowns.push(stop)
    }
  }
  return () => teardowns.forEach((stop) => monitor.call(stop))
}

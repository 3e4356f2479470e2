import {
  isBudgetSource,
  isCspViolationSink,
  isCspViolationSource,
  isPerformanceIssueSink,
  isWasmLoadSink,
  isWasmLoadSource,
  type Feature,
  type Monitor,
  type Teardown,
} from '@marco/core'
import type { MarcoEventMap } from './MarcoRuntime'

/**
 * The wiring between features, found by the capability interfaces of `@marco/core` each implements rather than
 * by importing them (so an app bundles only the features it passes): a `BudgetSource`'s breaches go to the
 * `PerformanceIssueSink` (performance analytics → crash reporter), a `CspViolationSource`'s violations to the
 * `CspViolationSink` (`CspReporting` → crash reporter), a `WasmLoadSource`'s load timings to the `WasmLoadSink`
 * (`WasmLoader` → performance analytics). Breaches and violations also reach the runtime's listeners. A
 * throwing feature is reported, never thrown. Returns the teardown.
 *
 * `loads`: `true` wires only the wasm loads, `false` all but them, left out everything. The runtime wires the loads
 * when the client is made (an app loads its core first thing, often before `start()`, and performance analytics
 * keeps what it is given before setup) and the rest at `start()`.
 *
 * @example
 * const unwire = wireFeatures([perf, crash, wasm], monitor, emit, false)
 */
export function wireFeatures(
  features: readonly Feature[],
  monitor: Monitor,
  emit: <K extends keyof MarcoEventMap>(event: K, value: MarcoEventMap[K]) => void,
  loads?: boolean,
): Teardown {
  const crash = features.find(isPerformanceIssueSink)
  const csp = features.find(isCspViolationSink)
  const perf = features.find(isWasmLoadSink)
  const teardowns: (Teardown | undefined)[] = []
  for (const feature of features) {
    if (loads !== false && isWasmLoadSource(feature) && perf)
      teardowns.push(monitor.call(() => feature.onLoad((load) => monitor.call(() => perf.recordWasmLoad(load)))))
    if (loads) continue
    if (isBudgetSource(feature))
      teardowns.push(
        monitor.call(() =>
          feature.onBudgetBreach((breach) => {
            emit('budget', breach)
            if (crash) monitor.call(() => crash.reportPerformanceIssue(breach))
          }),
        ),
      )
    if (isCspViolationSource(feature))
      teardowns.push(
        monitor.call(() =>
          feature.onCspViolation((violation) => {
            emit('csp-violation', violation)
            if (csp) monitor.call(() => csp.reportCspViolation(violation))
          }),
        ),
      )
  }
  return () => {
    for (const stop of teardowns) if (typeof stop === 'function') monitor.call(stop)
  }
}

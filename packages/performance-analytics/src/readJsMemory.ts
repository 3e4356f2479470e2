import type { GlobalScope } from '@marco/core'

/**
 * The page's JavaScript memory in bytes: `performance.measureUserAgentSpecificMemory()` when the page is
 * cross-origin isolated (the whole agent, measured at the next GC: it may take seconds), else the
 * non-standard `performance.memory.usedJSHeapSize` (Chromium), else `undefined`. Never rejects.
 *
 * @example
 * const bytes = await readJsMemory(globalScope)
 */
export async function readJsMemory(scope: GlobalScope): Promise<number | undefined> {
  const performance = scope.performance as
    | (Performance & {
        measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>
        memory?: { usedJSHeapSize?: number }
      })
    | undefined
  try {
    if (
      (scope as { crossOriginIsolated?: boolean }).crossOriginIsolated &&
      performance?.measureUserAgentSpecificMemory
    ) {
      return (await performance.measureUserAgentSpecificMemory()).bytes
    }
    return performance?.memory?.usedJSHeapSize
  } catch {
    // SecurityError when isolation is lost (e.g. a non-isolated iframe): the metric is absent.
    return undefined
  }
}

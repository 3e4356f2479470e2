import { serialize } from '@marco/core'
import { callHook } from './callHook'
import type { ReporterState } from './ReporterState'
import type { Breadcrumb } from './types'

/**
 * Adds a breadcrumb to the ring (the oldest goes past `maxBreadcrumbs`), after `beforeBreadcrumb`. URLs in
 * its data (`url`, `from`, `to`) are scrubbed; the crumb is kept serialized (JSON-safe, at most 4 KiB).
 * Nothing is kept while `crash` consent is not granted.
 *
 * @example
 * pushBreadcrumb(state, { category: 'canvas', message: 'layer added' })
 */
export function pushBreadcrumb(state: ReporterState, crumb: Breadcrumb): void {
  const context = state.context
  if (!context || state.busy || !context.consent.isGranted('crash')) return
  state.busy = true
  try {
    const data = crumb.data && { ...crumb.data }
    for (const key of ['url', 'from', 'to'])
      if (typeof data?.[key] === 'string') data[key] = state.scrubber.url(data[key] as string)
    const kept = callHook(context.monitor, state.options.beforeBreadcrumb, { ts: context.clock.now(), ...crumb, data })
    // Serialized once here: a BigInt or a cycle in one crumb's data would otherwise spoil every report it rides in.
    const safe = kept && serialize(kept, { maxBytes: 4096 })
    if (safe && typeof safe === 'object' && state.crumbs.push(safe as never) > (state.options.maxBreadcrumbs ?? 30))
      state.crumbs.shift()
  } finally {
    state.busy = false
  }
}

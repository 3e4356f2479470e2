import { serialize } from '@marco/core'
import { deliver } from './deliver'
import { fingerprint } from './fingerprint'
import { isNoise } from './isNoise'
import type { ReporterState } from './ReporterState'
import { toExceptions } from './toExceptions'
import type { ErrorContext } from './types'

/**
 * Captures anything thrown as an `exception` event: parsed (the error, its causes, inner errors), filtered
 * for noise, fingerprinted and deduplicated; frame URLs scrubbed, `extra` serialized.
 *
 * @example
 * captureException(state, new Error('boom'), { tags: { tool: 'pen' } })
 */
export function captureException(state: ReporterState, error: unknown, context: ErrorContext = {}): void {
  if (!state.context || state.busy) return
  const exceptions = toExceptions(error, state.options.inAppUrls)
  const primary = exceptions[0]!
  if (isNoise(primary, state.options)) return
  deliver(state, 'exception', fingerprint(primary), () => {
    for (const entry of exceptions) for (const frame of entry.frames) frame.file = state.scrubber.url(frame.file)
    return {
      exceptions,
      level: context.level ?? 'error',
      handled: context.handled ?? true,
      mechanism: context.mechanism ?? 'captureException',
      // Not JSON-checked by the types at run time: a BigInt or a cycle here would make the whole payload unscrubbable.
      tags: context.tags && serialize(context.tags, { maxBytes: 2048 }),
      extra: context.extra === undefined ? undefined : serialize(context.extra, { maxBytes: 16_384 }),
    }
  })
}

import { captureException } from './captureException'
import type { ReporterState } from './ReporterState'

/**
 * Captures a global `error` event: an uncaught error (its `error`, or, when the browser withholds it, the
 * message and place it gives), or a resource that failed to load (a script, stylesheet or image element).
 * Never calls `preventDefault`: the error still reaches the console as it would have.
 *
 * @example
 * listen(monitor, scope, 'error', (event) => captureErrorEvent(state, event, 'onerror'), { capture: true })
 */
export function captureErrorEvent(state: ReporterState, event: Partial<ErrorEvent>, mechanism: string): void {
  const target = event.target as { tagName?: string; src?: string; href?: string } | null
  if (target?.tagName) {
    const url = state.scrubber.url(String(target.src || target.href || ''))
    captureException(
      state,
      { name: 'ResourceError', message: `Failed to load ${target.tagName.toLowerCase()} ${url}` },
      { handled: false, mechanism: 'resource' },
    )
    return
  }
  const { filename, lineno, colno } = event
  const text = String(event.message ?? '')
  // Without the error object (a worker's error, an old engine) the type is only in the text: `Uncaught RangeError: …`.
  const match = /^(?:Uncaught )?(\w*(?:Error|Exception)): ([\s\S]*)$/.exec(text)
  captureException(
    state,
    event.error ?? {
      name: match?.[1] ?? 'Error',
      message: match?.[2] ?? text,
      stack: filename ? `    at ${filename}:${lineno}:${colno}` : '',
    },
    { handled: false, mechanism },
  )
}

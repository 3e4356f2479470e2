import { isExtensionUrl } from './isExtensionUrl'
import { matchesAny } from './matchesAny'
import type { CrashReporterOptions, ExceptionEntry } from './types'

/**
 * Whether an error is noise nobody can act on: `ResizeObserver loop` notices, a cross-origin `Script error.`,
 * an error whose frames are all in browser extensions, or one the options ignore (`ignoreErrors` on
 * `Type: message`, `denyUrls` on the newest frame's URL).
 *
 * @example
 * isNoise({ type: 'Error', message: 'ResizeObserver loop limit exceeded', frames: [] }, {}) // true
 */
export function isNoise(
  entry: ExceptionEntry,
  options: Pick<CrashReporterOptions, 'ignoreErrors' | 'denyUrls'>,
): boolean {
  const { message, frames } = entry
  return (
    /^(Script error\.?|ResizeObserver loop.*)$/.test(message) ||
    (frames.length > 0 && frames.every((frame) => isExtensionUrl(frame.file))) ||
    matchesAny(`${entry.type}: ${message}`, options.ignoreErrors) ||
    (!!frames[0] && matchesAny(frames[0].file, options.denyUrls))
  )
}

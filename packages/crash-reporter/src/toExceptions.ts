import { serialize } from '@marco/core'
import { parseStack } from './parseStack'
import type { ExceptionEntry, UrlPattern } from './types'

/** Errors kept from one capture: the error, its causes and inner errors. */
const MAX_ENTRIES = 10
/** UTF-16 code units kept of each message (as `captureMessage` keeps): a message quoting a whole response body is cut. */
const MAX_MESSAGE_LENGTH = 8192

/**
 * Turns anything that can be thrown (an Error, a string, `null`, a DOMException, an object) into exception
 * entries: the error first, then its `cause` chain and the inner errors of an `AggregateError`, each with
 * its parsed stack. A `WebAssembly.RuntimeError` (or a `CompileError`, `LinkError`) is marked as a wasm crash.
 *
 * @example
 * toExceptions(new Error('save failed', { cause: new TypeError('offline') }))
 * // [{ type: 'Error', message: 'save failed', frames: […] }, { type: 'TypeError', message: 'offline', frames: […] }]
 */
export function toExceptions(value: unknown, inAppUrls?: readonly UrlPattern[]): ExceptionEntry[] {
  const entries: ExceptionEntry[] = []
  const seen = new Set<unknown>()
  const visit = (error: any): void => {
    if (entries.length >= MAX_ENTRIES || seen.has(error)) return
    seen.add(error)
    // Each field read on its own: a getter that throws (a throwing Error.prepareStackTrace, a revoked Proxy) costs
    // only that field, never the report.
    const read = (key: string): any => {
      try {
        return error[key]
      } catch {
        return undefined
      }
    }
    const isErrorLike = !!error && typeof error === 'object' && typeof read('message') === 'string'
    const type = isErrorLike ? String(read('name') || read('constructor')?.name || 'Error') : 'Error'
    const message = isErrorLike
      ? read('message')
      : typeof error === 'string'
        ? error
        : `Non-Error thrown: ${JSON.stringify(serialize(error, { maxBytes: 300, maxDepth: 2 }))}`
    const stack = isErrorLike && read('stack')
    const entry: ExceptionEntry = {
      type,
      message: message.slice(0, MAX_MESSAGE_LENGTH),
      frames: stack ? parseStack(String(stack), inAppUrls) : [],
    }
    if (/^(Runtime|Compile|Link)Error$/.test(type) || entry.frames.some((frame) => frame.functionIndex! >= 0)) {
      entry.wasm = /unreachable/i.test(message)
        ? 'unreachable'
        : /out of bounds/i.test(message)
          ? 'out_of_bounds'
          : /stack|recursion/i.test(message)
            ? 'stack_overflow'
            : /by zero/i.test(message)
              ? 'divide_by_zero'
              : 'trap'
    }
    entries.push(entry)
    if (!isErrorLike) return
    const cause = read('cause')
    if (cause !== undefined) visit(cause)
    const errors = read('errors')
    if (Array.isArray(errors)) errors.forEach(visit)
  }
  visit(value)
  return entries
}

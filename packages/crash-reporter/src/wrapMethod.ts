import type { Monitor, Teardown } from '@marco/core'

/**
 * Replaces `target[name]` with a wrapper that calls the original with the same `this` and arguments and
 * returns what it returned (or throws what it threw); afterwards, inside the monitor, `observe` sees the arguments
 * and the result, and may return a promise the caller gets instead (`fetch`'s chained, settling as it does). The teardown puts the original back, or, when someone wrapped the method
 * again on top of ours, leaves our wrapper in place as a plain pass-through so theirs keeps working.
 *
 * @example
 * const restore = wrapMethod(monitor, console, 'warn', (args) => crumbs.push(args))
 * restore()
 */
export function wrapMethod(
  monitor: Monitor,
  target: object | undefined,
  name: string,
  observe: (args: unknown[], result: unknown) => unknown,
): Teardown {
  const host = target as Record<string, unknown> | undefined
  const original = host?.[name]
  if (typeof original !== 'function') return () => {}
  let active = true
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(this, args)
    // A promise `observe` hands back is what the caller gets instead (`fetch`'s, chained: it settles as it did).
    const instead = active && monitor.call(observe, args, result)
    return instead instanceof Promise ? instead : result
  }
  host![name] = wrapper
  return () => {
    active = false
    if (host![name] === wrapper) host![name] = original
  }
}

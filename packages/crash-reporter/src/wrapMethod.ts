import type { Monitor, Teardown } from '@marco/core'

/**
 * Replaces `target[name]` with a wrapper that calls the original with the same `this` and arguments and
 * returns exactly what it returned (or throws what it threw); afterwards, inside the monitor, `observe`
 * sees the arguments and the result. The teardown puts the original back, or, when someone wrapped the method
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
  observe: (args: unknown[], result: unknown) => void,
): Teardown {
  const host = target as Record<string, unknown> | undefined
  const original = host?.[name]
  if (typeof original !== 'function') return () => {}
  let active = true
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const result = original.apply(this, args)
    if (active) monitor.call(observe, args, result)
    return result
  }
  host![name] = wrapper
  return () => {
    active = false
    if (host![name] === wrapper) host![name] = original
  }
}

import type { Monitor } from '@marco/core'

/**
 * Runs a user hook (`beforeSend`, `beforeBreadcrumb`); one that throws is reported to the monitor and
 * skipped: the value goes on unchanged.
 *
 * @example
 * const event = callHook(monitor, options.beforeSend, draft) // draft, if beforeSend threw
 */
export function callHook<T>(monitor: Monitor, hook: ((value: T) => T | null) | undefined, value: T): T | null {
  try {
    return hook ? hook(value) : value
  } catch (error) {
    monitor.report(error)
    return value
  }
}

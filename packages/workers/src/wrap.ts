import { createCaller } from './createCaller'
import type { CallOptions, Endpoint, Remote } from './types'

export interface WrapOptions {
  /** Time-out of every call that does not set its own; default none. */
  timeoutMs?: number
}

/**
 * The caller's side of `expose`: every method of `T` becomes a typed async call over `endpoint` (a `Worker`,
 * a `MessagePort`, a worker's global scope, a `worker_threads` `Worker` or port). `remote.method.with({ signal,
 * timeoutMs, transfer })` makes one call with options; a cancelled or timed-out call is told to the worker.
 * Errors thrown in the worker reject as `Error`s with the worker's `name`, `message` and `stack`.
 *
 * @example
 * const worker = new Worker(new URL('./geometry.worker.js', import.meta.url), { type: 'module' })
 * const geometry = wrap<typeof api>(worker)
 * const area = await geometry.area(points)
 * const hull = await geometry.hull.with({ signal: controller.signal, timeoutMs: 500 })(points)
 */
/* @__NO_SIDE_EFFECTS__ */
export function wrap<T>(endpoint: Endpoint, options: WrapOptions = {}): Remote<T> {
  const caller = createCaller(endpoint)
  const methods = new Map<string, unknown>()
  const call =
    (method: string, callOptions: CallOptions) =>
    (...args: unknown[]) =>
      caller.call(method, args, { timeoutMs: options.timeoutMs, ...callOptions })
  return new Proxy({} as Remote<T>, {
    get(_, method) {
      // Not thenable, so `await wrap(...)` does not send a call named `then`.
      if (typeof method !== 'string' || method === 'then') return undefined
      let fn = methods.get(method)
      if (!fn)
        methods.set(
          method,
          (fn = Object.assign(call(method, {}), { with: (callOptions: CallOptions) => call(method, callOptions) })),
        )
      return fn
    },
  })
}

import { now } from './now'
import { onMessage } from './onMessage'
import { transferListOf } from './transfer'
import type { Endpoint, WireMessage } from './types'

export interface ExposeOptions {
  /**
   * Origins whose messages are answered, as strings or patterns. Default none. Messages that carry no origin
   * (a dedicated worker's parent, a `MessagePort`, `worker_threads`) come over a channel only its creator
   * holds and are always answered; a message from any origin not listed here is ignored, never `'*'`.
   */
  allowedOrigins?: (string | RegExp)[]
}

/**
 * Answers calls made with `wrap()` from the other side of `endpoint` (default: this worker's own global
 * scope). Each method receives the caller's arguments, then an `AbortSignal` that aborts when the caller
 * cancels or times out: declare it as the last parameter (`signal?: AbortSignal`); optional parameters the
 * caller left out before it are `undefined`. (So a method whose last parameter is optional should declare
 * the signal after it, or the signal takes its place when the caller leaves it out.) A method may return
 * `transfer(value, [buffers])` to move its result. What it throws
 * reaches the caller as an `Error` with the same name, message and stack (whatever was thrown: `0` and `''` reject
 * too). Several APIs may be exposed on one endpoint (`startAnalyticsWorker` beside the app's own): a call is answered
 * once, by the first that has the method. Returns the removal.
 *
 * @example
 * // geometry.worker.ts
 * export const api = {
 *   area: (points: Float32Array) => polygonArea(points),
 *   async simplify(points: Float32Array, tolerance: number, signal?: AbortSignal) {
 *     const out = await simplifyInSteps(points, tolerance, signal)
 *     return transfer(out, [out.buffer])
 *   },
 * }
 * expose(api)
 */
export function expose(
  api: object,
  endpoint: Endpoint = globalThis as unknown as Endpoint,
  options: ExposeOptions = {},
): () => void {
  const allowed = options.allowedOrigins ?? []
  const running = new Map<number, AbortController>()
  const reply = (message: WireMessage, transferList?: Transferable[]): void =>
    endpoint.postMessage(message, transferList)
  // Every API exposed on this endpoint (`startAnalyticsWorker` beside the app's own `expose`): each call is
  // answered once, by the API that has the method, or by the first one with the error when none has.
  const apis = exposed.get(endpoint) ?? new Set()
  exposed.set(endpoint, apis.add(api))
  const stop = onMessage(endpoint, ({ data, origin }) => {
    const message = data as WireMessage | undefined
    if (origin && !allowed.some((rule) => (typeof rule === 'string' ? rule === origin : rule.test(origin)))) return
    if (message?.marco === 'cancel')
      return running.get(message.i)?.abort(new DOMException('The caller cancelled the call', 'AbortError'))
    if (message?.marco !== 'call') return
    const { i, m, a, s } = message
    // (A method named like one of Object.prototype's is in every API: the first one refuses it, below.)
    const exposing = [...apis]
    if ((exposing.find((each) => typeof (each as Record<string, unknown>)[m] === 'function') ?? exposing[0]) !== api)
      return
    const started = now()
    const controller = new AbortController()
    running.set(i, controller)
    const answer = (result: { v: unknown } | { e: unknown }, transferList?: Transferable[]): void => {
      const failed = 'e' in result
      const e = (failed && result.e) as Error
      const d = now() - started
      try {
        reply(
          {
            marco: 'result',
            i,
            ...(failed
              ? { e: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? e), stack: e?.stack } }
              : result),
            d,
            l: started - s,
          },
          transferList,
        )
      } catch (error) {
        // The result cannot be cloned (a function, a DOM node): the caller gets that error instead. What was thrown
        // cannot be told (an object without a prototype, a stack that is not text): the caller gets a plain error.
        answer({ e: failed ? new Error(`${m}() failed`) : error })
      }
    }
    new Promise((resolve) => {
      const fn = (api as Record<string, unknown>)[m]
      // Only the API's own methods: never Object.prototype's (constructor, __proto__, toString, …).
      if (typeof fn !== 'function' || m in Object.prototype) throw new TypeError(`${m} is not an exposed method`)
      const args = [...a]
      // The signal goes into the last declared parameter, even when the caller left optional ones out.
      args.length = Math.max(args.length, fn.length - 1)
      resolve(fn.apply(api, [...args, controller.signal]))
    })
      .then(
        (v) => answer({ v }, transferListOf([v])),
        (e: unknown) => answer({ e }),
      )
      .finally(() => running.delete(i))
  })
  return () => {
    stop()
    apis.delete(api)
  }
}

/** The APIs exposed on each endpoint, in the order they were. */
const exposed = new WeakMap<Endpoint, Set<object>>()

/**
 * Anything that sends and receives messages: a `Worker`, a `MessagePort`, a worker's own global scope, a
 * `BroadcastChannel`, or Node's `worker_threads` `Worker` / `MessagePort` / `parentPort`. Typed by shape, so
 * none of those globals has to exist where this package is imported.
 */
export interface Endpoint {
  // Method syntax (bivariant): the DOM's and Node's own signatures both fit.
  postMessage(message: unknown, transfer?: Transferable[]): void
  addEventListener?(type: string, listener: (event: MessageEvent) => void): void
  removeEventListener?(type: string, listener: (event: MessageEvent) => void): void
  /** Node's EventEmitter style (`worker_threads` `Worker`): the listener receives the data itself. */
  on?(type: string, listener: (value: never) => void): unknown
  off?(type: string, listener: (value: never) => void): unknown
  /** A `MessagePort` delivers to `addEventListener` listeners only once started. */
  start?(): void
}

/** Options of one remote call. */
export interface CallOptions {
  /** Aborting rejects the call with the signal's reason and tells the worker, whose handler's signal aborts. */
  signal?: AbortSignal
  /** Rejects with a `TimeoutError` `DOMException` (and tells the worker) after this long; 0 or none: no limit. */
  timeoutMs?: number
  /** Buffers to transfer (move) with the arguments, besides those marked with `transfer()`. */
  transfer?: Transferable[]
}

/** An error as it travels from the worker: the parts structured clone would lose. */
export interface WireError {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

/**
 * The wire protocol. Every message carries `marco` (its kind) so other traffic on the same endpoint is ignored.
 * call: `i` id, `m` method, `a` arguments, `s` send time (ms since the epoch, high resolution).
 * result: `v` value or `e` error, `d` the handler's duration, `l` how long the call waited in the worker.
 */
export type WireMessage =
  | { readonly marco: 'call'; readonly i: number; readonly m: string; readonly a: unknown[]; readonly s: number }
  | { readonly marco: 'cancel'; readonly i: number }
  | {
      readonly marco: 'result'
      readonly i: number
      readonly v?: unknown
      readonly e?: WireError
      readonly d: number
      readonly l: number
    }

/** A trailing `AbortSignal` parameter is the worker's own (expose passes it); callers don't send it. */
type CallerArgs<A extends unknown[]> = A extends [...infer Head, AbortSignal]
  ? Head
  : A extends [...infer Head, (AbortSignal | undefined)?]
    ? Head
    : A

/**
 * One method of a `Remote`: an async call, and `.with(options)` for a call with a signal, time-out or transfer list.
 */
export type RemoteMethod<A extends unknown[], R> = ((...args: CallerArgs<A>) => Promise<Awaited<R>>) & {
  with(options: CallOptions): (...args: CallerArgs<A>) => Promise<Awaited<R>>
}

/**
 * The caller's view of an exposed API: every method becomes an async call (non-function members are left out).
 *
 * @example
 * const remote: Remote<{ add(a: number, b: number): number }> = wrap(worker)
 * await remote.add(1, 2) // 3
 */
export type Remote<T> = {
  readonly [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (
    ...args: infer A
  ) => infer R
    ? RemoteMethod<A, R>
    : never
}

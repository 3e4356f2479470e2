import { now } from './now'
import { onMessage } from './onMessage'
import { transferListOf } from './transfer'
import type { CallOptions, Endpoint, WireMessage } from './types'

/** What a finished call measured inside the worker. */
export interface CallTiming {
  /** How long the handler ran (until its promise settled), in ms. */
  readonly durationMs: number
  /** How long the call waited in the worker before its handler started (the worker's event-loop lag), in ms. */
  readonly lagMs: number
}

/** The calling side of one endpoint: what `wrap` and `WorkerPool` are built on. */
export interface Caller {
  /** Sends one call; settles with the worker's answer, its error, the signal's reason or a `TimeoutError`. */
  call(method: string, args: unknown[], options?: CallOptions): Promise<unknown>
  /** Rejects every call still waiting with `error` (the worker is gone). */
  fail(error: unknown): void
  /** Calls waiting for an answer. */
  readonly pending: number
  /** Stops listening; calls still waiting, and any made later, are rejected with `error`. */
  close(error?: unknown): void
}

/** Call ids are unique in this realm, so two callers on one endpoint never take each other's answers. */
let lastId = 0

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
}

/**
 * Builds the calling side of the RPC protocol on an endpoint. `onTiming` hears what each answered call
 * measured inside the worker.
 *
 * @example
 * const caller = createCaller(worker)
 * await caller.call('add', [1, 2], { timeoutMs: 1000 }) // 3
 */
export function createCaller(endpoint: Endpoint, onTiming?: (timing: CallTiming) => void): Caller {
  const pending = new Map<number, Pending>()
  /** Set by `close()`: later calls reject with it at once, as there is no one left to answer them. */
  let closed: { error: unknown } | undefined
  const stop = onMessage(endpoint, ({ data }) => {
    const message = data as WireMessage | undefined
    if (message?.marco !== 'result') return
    const waiting = pending.get(message.i)
    if (!waiting) return
    // Timings a worker left out or garbled measure nothing (they would turn the pool's stats into NaN).
    if (Number.isFinite(message.d) && Number.isFinite(message.l))
      onTiming?.({ durationMs: message.d, lagMs: message.l })
    if (message.e) {
      const { name, message: text, stack } = message.e
      waiting.reject(Object.assign(new Error(text), { name, stack }))
    } else waiting.resolve(message.v)
  })
  const fail = (error: unknown): void => {
    for (const waiting of [...pending.values()]) waiting.reject(error)
  }
  return {
    call(m, a, options = {}) {
      const { signal, timeoutMs } = options
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        if (closed) return reject(closed.error)
        const i = ++lastId
        let timer: ReturnType<typeof setTimeout> | undefined
        const done = (): void => {
          pending.delete(i)
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
        }
        const cancel = (reason: unknown): void => {
          done()
          reject(reason)
          try {
            endpoint.postMessage({ marco: 'cancel', i } satisfies WireMessage)
          } catch {
            // the worker is gone: nothing left to tell it
          }
        }
        const onAbort = (): void => cancel(signal!.reason)
        pending.set(i, {
          resolve: (value) => (done(), resolve(value)),
          reject: (error) => (done(), reject(error)),
        })
        signal?.addEventListener('abort', onAbort)
        if (timeoutMs! > 0) {
          timer = setTimeout(
            () => cancel(new DOMException(`${m}() timed out after ${timeoutMs} ms`, 'TimeoutError')),
            timeoutMs,
          )
        }
        try {
          endpoint.postMessage({ marco: 'call', i, m, a, s: now() } satisfies WireMessage, [
            ...transferListOf(a),
            ...(options.transfer ?? []),
          ])
        } catch (error) {
          // DataCloneError (a function or a detached buffer among the arguments): the call's own error.
          done()
          reject(error)
        }
      })
    },
    fail,
    get pending() {
      return pending.size
    },
    close(error = new Error('closed')) {
      closed = { error }
      stop()
      fail(error)
    },
  }
}

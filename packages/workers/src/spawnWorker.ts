import { createCaller, type Caller, type CallTiming } from './createCaller'
import type { Endpoint } from './types'

/** A worker as the pool drives it: the DOM `Worker`, or Node's `worker_threads` `Worker` (for tests). */
export interface WorkerLike extends Endpoint {
  terminate(): unknown
}

/** One worker of a pool and its calling side. */
export interface WorkerSlot {
  readonly worker: WorkerLike
  readonly caller: Caller
  busy: boolean
  /** Calls it answered: a worker that crashes before its first answer may never start at all. */
  answered: number
  dead: boolean
  idle?: ReturnType<typeof setTimeout>
}

/**
 * Starts one worker (through `create`) with a caller on it. `onCrash` hears, once, that it crashed: an
 * `error` event (an uncaught error, a script that failed to load) or, in Node, its exit.
 *
 * @example
 * const slot = spawnWorker(() => new Worker(url, { type: 'module' }), onTiming, (reason) => replace(slot, reason))
 */
export function spawnWorker(
  create: () => WorkerLike,
  onTiming: (timing: CallTiming) => void,
  onCrash: (reason: string) => void,
): WorkerSlot {
  const worker = create()
  const slot: WorkerSlot = { worker, caller: createCaller(worker, onTiming), busy: false, answered: 0, dead: false }
  const crashed = (event: unknown): void => {
    if (slot.dead) return
    const reason =
      typeof event === 'number'
        ? `exited with code ${event}`
        : ((event as { message?: string } | undefined)?.message ?? 'failed to load or crashed')
    onCrash(reason)
  }
  if (worker.addEventListener) worker.addEventListener('error', crashed)
  else {
    worker.on?.('error', crashed)
    worker.on?.('exit', crashed)
  }
  return slot
}

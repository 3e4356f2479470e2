import { createEvent, startInterval, type CoreContext, type Feature, type Teardown } from '@marco/core'
import type { CallTiming } from './createCaller'
import { QueueFullError } from './QueueFullError'
import { spawnWorker, type WorkerLike, type WorkerSlot } from './spawnWorker'
import { summarize, type TimingSummary } from './summarize'
import { WorkerCrashedError } from './WorkerCrashedError'

export interface WorkerPoolOptions {
  /**
   * The worker script, started as `new Worker(url, { type: 'module' })`: a URL, never a `blob:`, so it runs under a
   * strict CSP.
   */
  url: string | URL
  /** Most workers at once. Default `navigator.hardwareConcurrency - 1`, at least 1. */
  size?: number
  /** Most tasks waiting for a worker; past it `run()` rejects with `QueueFullError`. Default 1,000. */
  maxQueue?: number
  /**
   * A worker with nothing to do for this long is terminated (a new one starts when work comes). Default 30 s; 0 keeps
   * them.
   */
  idleTimeoutMs?: number
  /** Time-out of every task that does not set its own, counted from `run()`. Default none. */
  timeoutMs?: number
  /** How often `setup()` reports the pool's statistics as a `performance` event. Default 60 s. */
  reportIntervalMs?: number
  /** Names the workers (shown in devtools). */
  name?: string
  /** Creates one worker; default `new Worker(url, { type: 'module', name })`. Tests pass Node's `worker_threads`. */
  createWorker?: (url: string | URL) => WorkerLike
}

export interface RunOptions {
  /** Buffers to move to the worker with the arguments (the caller's copies are detached). */
  transfer?: Transferable[]
  /** Aborting removes a waiting task, or cancels a running one in its worker; `run()` rejects with the reason. */
  signal?: AbortSignal
  /** Rejects with a `TimeoutError` after this long, counted from `run()`, and cancels the task in its worker. */
  timeoutMs?: number
}

export interface WorkerPoolStats {
  /** Workers alive now, and of those, running a task. */
  readonly workers: number
  readonly busy: number
  /** Tasks waiting for a worker. */
  readonly queued: number
  readonly completed: number
  /** Tasks that rejected: the worker threw, a crash, a cancel or a time-out (refusals are `rejected`). */
  readonly failed: number
  /** Workers that crashed and were replaced. */
  readonly crashed: number
  /** `run()` calls refused because the queue was full. */
  readonly rejected: number
  /** How long tasks ran inside the workers (the last 256), in ms. */
  readonly taskMs: TimingSummary
  /** How long tasks waited inside a worker before they started: the workers' event-loop lag (the last 256), in ms. */
  readonly lagMs: TimingSummary
}

interface Task {
  readonly method: string
  readonly args: unknown[]
  readonly transfer: Transferable[] | undefined
  readonly signal: AbortSignal
  settle(ok: boolean, value: unknown): void
}

/** Samples kept for the duration and lag summaries. */
const SAMPLE_SIZE = 256

/**
 * A bounded pool of module workers answering `expose()`d methods. Tasks beyond the free workers wait in a
 * bounded queue (back-pressure: a full queue rejects with `QueueFullError`); a worker that crashes is
 * replaced and its tasks reject with `WorkerCrashedError`, none hangs; idle workers are terminated. Each
 * task may be cancelled or time out, and is then cancelled inside its worker too. As a runtime `Feature` it
 * reports its statistics (task durations, queue length, event-loop lag inside the workers) as `performance`
 * events.
 *
 * @example
 * const pool = new WorkerPool({ url: new URL('./geometry.worker.js', import.meta.url), maxQueue: 200 })
 * const area = await pool.run('area', [points], { timeoutMs: 2_000 })
 * const hull = await pool.run('hull', [buffer], { transfer: [buffer], signal: controller.signal })
 * pool.stats() // { workers: 3, busy: 1, queued: 0, completed: 2, …, taskMs: { p50, p95, … }, lagMs: { … } }
 * pool.terminate()
 */
export class WorkerPool implements Feature {
  readonly name = 'workers'
  private _options: WorkerPoolOptions
  private _size: number
  private _maxQueue: number
  private _slots: WorkerSlot[] = []
  private _queue: Task[] = []
  private _taskMs: number[] = []
  private _lagMs: number[] = []
  private _counts = { completed: 0, failed: 0, crashed: 0, rejected: 0 }
  /** Workers in a row that crashed before answering anything: the script may not load at all. */
  private _startFailures = 0
  private _terminated = false

  constructor(options: WorkerPoolOptions) {
    this._options = options
    const cores = (globalThis.navigator?.hardwareConcurrency ?? 2) - 1
    this._size = Math.max(1, Math.floor(options.size! > 0 ? options.size! : cores))
    this._maxQueue = options.maxQueue! >= 0 ? options.maxQueue! : 1_000
  }

  /**
   * Runs `method(...args)` on a free worker, starting one if fewer than `size` run, or queues it. Rejects
   * with the worker's error, `WorkerCrashedError`, `QueueFullError`, the signal's reason, a `TimeoutError`,
   * or an `AbortError` after `terminate()`.
   */
  run<R = unknown>(method: string, args: unknown[] = [], options: RunOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const { signal, timeoutMs = this._options.timeoutMs } = options
      if (this._terminated) return reject(new DOMException('WorkerPool terminated', 'AbortError'))
      if (signal?.aborted) return reject(signal.reason)
      const slot = this._slots.find((candidate) => !candidate.busy) ?? this._grow()
      if (!slot && this._queue.length >= this._maxQueue) {
        this._counts.rejected++
        return reject(new QueueFullError(this._maxQueue))
      }
      const controller = new AbortController()
      const onAbort = (): void => controller.abort(signal!.reason)
      signal?.addEventListener('abort', onAbort)
      const timer =
        timeoutMs! > 0
          ? setTimeout(
              () => controller.abort(new DOMException(`${method}() timed out after ${timeoutMs} ms`, 'TimeoutError')),
              timeoutMs,
            )
          : undefined
      const task: Task = {
        method,
        args,
        transfer: options.transfer,
        signal: controller.signal,
        settle: (ok, value) => {
          clearTimeout(timer)
          signal?.removeEventListener('abort', onAbort)
          if (ok) resolve(value as R)
          else reject(value)
        },
      }
      // While it waits, a cancel just takes it out of the queue; once running, the caller tells the worker.
      controller.signal.addEventListener('abort', () => {
        const index = this._queue.indexOf(task)
        if (index < 0) return
        this._queue.splice(index, 1)
        this._counts.failed++
        task.settle(false, controller.signal.reason)
      })
      if (slot) this._dispatch(slot, task)
      else this._queue.push(task)
    })
  }

  /** The pool's counters and the workers' own measurements. */
  stats(): WorkerPoolStats {
    return {
      workers: this._slots.length,
      busy: this._slots.filter((slot) => slot.busy).length,
      queued: this._queue.length,
      ...this._counts,
      taskMs: summarize(this._taskMs),
      lagMs: summarize(this._lagMs),
    }
  }

  /** Terminates every worker; running and waiting tasks reject with an `AbortError`. Safe to call twice. */
  terminate(): void {
    this._terminated = true
    const error = new DOMException('WorkerPool terminated', 'AbortError')
    for (const task of this._queue.splice(0)) task.settle(false, error)
    for (const slot of [...this._slots]) this._retire(slot, error)
  }

  /**
   * Reports `stats()` every `reportIntervalMs` as a `performance` / `worker_pool` event (when that consent is granted
   * and tasks ran).
   */
  setup(context: CoreContext): Teardown {
    let reported = 0
    return startInterval(
      context.monitor,
      () => {
        const stats = this.stats()
        const tasks = stats.completed + stats.failed
        if (tasks === reported || !context.consent.isGranted('performance')) return
        reported = tasks
        context.queue.push(createEvent(context, 'performance', 'worker_pool', { ...stats }))
      },
      this._options.reportIntervalMs ?? 60_000,
    )
  }

  /** Starts one more worker if the pool may grow; undefined when it is full or the worker cannot be created. */
  private _grow(): WorkerSlot | undefined {
    if (this._slots.length >= this._size) return undefined
    const { url, name, createWorker = (url) => new Worker(url, { type: 'module', name }) } = this._options
    let slot: WorkerSlot
    try {
      slot = spawnWorker(
        () => createWorker(url),
        (timing) => this._measure(slot, timing),
        (reason) => this._crash(slot, reason),
      )
    } catch (error) {
      // No Worker here, a bad URL, or a CSP that forbids it: nothing in the queue can run either.
      if (!this._slots.length) this._failQueue(error)
      throw error
    }
    this._slots.push(slot)
    return slot
  }

  private _dispatch(slot: WorkerSlot, task: Task): void {
    slot.busy = true
    clearTimeout(slot.idle)
    slot.caller.call(task.method, task.args, { signal: task.signal, transfer: task.transfer }).then(
      (value) => this._finish(slot, task, true, value),
      (error) => this._finish(slot, task, false, error),
    )
  }

  private _finish(slot: WorkerSlot, task: Task, ok: boolean, value: unknown): void {
    this._counts[ok ? 'completed' : 'failed']++
    slot.busy = false
    task.settle(ok, value)
    if (slot.dead) return
    const next = this._queue.shift()
    if (next) return this._dispatch(slot, next)
    const idleMs = this._options.idleTimeoutMs ?? 30_000
    if (idleMs > 0) {
      slot.idle = setTimeout(() => this._retire(slot), idleMs)
      ;(slot.idle as { unref?: () => void }).unref?.()
    }
  }

  private _measure(slot: WorkerSlot, { durationMs, lagMs }: CallTiming): void {
    slot.answered++
    this._startFailures = 0
    for (const [list, value] of [
      [this._taskMs, durationMs],
      [this._lagMs, Math.max(0, lagMs)],
    ] as const) {
      if (list.push(value) > SAMPLE_SIZE) list.shift()
    }
  }

  private _crash(slot: WorkerSlot, reason: string): void {
    const { answered } = slot
    this._counts.crashed++
    this._retire(slot, new WorkerCrashedError(`worker ${String(this._options.url)} ${reason}`))
    // Three workers in a row that died before any answer: the script does not start. Fail the queue
    // instead of starting workers forever.
    if (!answered && ++this._startFailures >= 3) {
      this._startFailures = 0
      this._failQueue(new WorkerCrashedError(`worker ${String(this._options.url)} does not start: ${reason}`))
    }
    // A replacement for the waiting tasks.
    while (this._queue.length && this._slots.length < this._size) {
      let slot: WorkerSlot | undefined
      try {
        slot = this._grow()
      } catch {
        return
      }
      if (!slot) return
      this._dispatch(slot, this._queue.shift()!)
    }
  }

  /** Stops one worker; its running task rejects with `error` (none when it was idle). */
  private _retire(slot: WorkerSlot, error: unknown = new Error('idle')): void {
    if (slot.dead) return
    slot.dead = true
    clearTimeout(slot.idle)
    this._slots.splice(this._slots.indexOf(slot), 1)
    slot.caller.close(error)
    try {
      void slot.worker.terminate()
    } catch {
      // already gone
    }
  }

  private _failQueue(error: unknown): void {
    for (const task of this._queue.splice(0)) {
      this._counts.failed++
      task.settle(false, error)
    }
  }
}

import {
  createMonitor,
  globalScope,
  listen,
  startTimeout,
  type ConsentCategory,
  type EventQueueOptions,
  type EventSink,
  type FlushResult,
  type GlobalScope,
  type Monitor,
  type SdkEvent,
  type Teardown,
} from '@marco/core'
import type { Caller } from './createCaller'
import { hostLocks, type LockHost } from './lockHost'
import { spawnWorker, type WorkerLike, type WorkerSlot } from './spawnWorker'

export interface WorkerSinkOptions {
  /**
   * The analytics worker's script, e.g. `new URL('@marco/workers/analytics-worker', import.meta.url)`; never a `blob:`.
   */
  url: string | URL
  /**
   * Where events go if the worker cannot start or fails before acknowledging them (and everything after):
   * a main-thread `EventQueue`, or a function that creates it (called at most once, only when needed).
   * Give it the same `storageName` as the worker's queue, so it also adopts what the worker had stored.
   */
  fallback: EventSink | (() => EventSink)
  /**
   * Options of the worker's own `EventQueue`: cloneable values only (functions are left out); `endpoint` is resolved
   * against the page.
   */
  queue: EventQueueOptions
  /**
   * What every batch says once (release, environment, experiments): called on the page each time a batch is
   * posted, since a function cannot be posted to the worker; the worker's queue sends the latest value it got.
   * A value JSON cannot take is left out (and reported).
   */
  context?: EventQueueOptions['context']
  /** Events per posted batch. Default 100. */
  maxBatchEvents?: number
  /** Longest wait before a partial batch is posted. Default 1 s. */
  flushIntervalMs?: number
  /** How long the worker may take to acknowledge its start or a batch before the sink falls back. Default 10 s. */
  ackTimeoutMs?: number
  /** Creates the worker; default `new Worker(url, { type: 'module' })`. */
  createWorker?: (url: string | URL) => WorkerLike
  scope?: GlobalScope
  monitor?: Monitor
}

export interface WorkerSinkStats {
  /** `idle` until the first event; `worker` while the worker takes them; `fallback` once the fallback does. */
  readonly mode: 'idle' | 'worker' | 'fallback'
  readonly pushed: number
  /** Batches posted to the worker, and events it acknowledged (they are in its queue). */
  readonly batches: number
  readonly acknowledged: number
  /** Events handed to the fallback after the worker failed (buffered or not yet acknowledged). */
  readonly fellBack: number
}

/** The main thread's side of background analytics: an `EventSink` that hands events to a worker in batches. */
export interface WorkerSink extends EventSink {
  purge(category: ConsentCategory): void
  /** Posts what is buffered and flushes the worker's queue (or the fallback's). */
  flush(): Promise<FlushResult | undefined>
  stats(): WorkerSinkStats
  /** Starts the worker (the runtime calls it once consent is granted), so it resumes earlier pages' events. */
  open(): void
  /**
   * Posts what is buffered, stops the worker's queue (its stored events wait for the next page load), ends the worker.
   */
  stop(): Promise<void>
}

/** The worker's queue options that survive `postMessage` (functions and injected objects stay behind). */
function cloneable(options: EventQueueOptions, scope: GlobalScope): EventQueueOptions {
  const { transport: _t, scope: _s, clock: _c, monitor: _m, ...rest } = options
  const kept = Object.fromEntries(
    Object.entries(rest).filter(([, value]) => typeof value !== 'function'),
  ) as EventQueueOptions
  // The worker resolves relative URLs against its script, not the page.
  if (kept.endpoint && scope.location) kept.endpoint = new URL(kept.endpoint, scope.location.href).href
  return kept
}

/**
 * An `EventSink` that runs the delivery pipeline in a worker: `push(event)` only buffers; every
 * `maxBatchEvents` events or `flushIntervalMs` the buffer goes to the worker as one transferred buffer of
 * JSON (one `postMessage` per batch, not per event, with the page's `context` of the moment), where `@marco/workers/analytics-worker` pushes it into
 * an `EventQueue` that persists and sends it. If the worker cannot start, or crashes or stops answering
 * before it acknowledged a batch, the buffered and unacknowledged events and everything after go to
 * `fallback`: nothing is lost (a batch the worker took just before failing may be sent twice; events keep
 * their ids, so the collector stores them once). Creates nothing until the first event; never throws.
 *
 * @example
 * const sink = createWorkerSink({
 *   url: new URL('@marco/workers/analytics-worker', import.meta.url),
 *   queue: { endpoint: '/v1/batch', storageName: 'marco-events' },
 *   fallback: () => new EventQueue({ endpoint: '/v1/batch', storageName: 'marco-events' }),
 * })
 * const context = createCoreContext({ queue: sink })
 */
export function createWorkerSink(options: WorkerSinkOptions): WorkerSink {
  const scope = options.scope ?? globalScope
  const monitor = options.monitor ?? createMonitor({ scope })
  const maxBatch = options.maxBatchEvents ?? 100
  const ackMs = options.ackTimeoutMs ?? 10_000
  const encoder = new TextEncoder()
  const counts = { pushed: 0, batches: 0, acknowledged: 0, fellBack: 0 }
  let mode: WorkerSinkStats['mode'] = 'idle'
  let stopped = false
  let buffer: SdkEvent[] = []
  const unacked = new Set<SdkEvent[]>()
  let slot: WorkerSlot | undefined
  let caller: Caller | undefined
  let fallback: EventSink | undefined
  let host: LockHost | undefined
  let cancelPost: Teardown | undefined
  const teardowns: Teardown[] = []
  const toFallback = (): EventSink =>
    (fallback ??= typeof options.fallback === 'function' ? options.fallback() : options.fallback)
  const call = (method: string, args: unknown[] = [], transfer?: Transferable[], timeoutMs = ackMs) =>
    caller!.call(method, args, { transfer, timeoutMs })

  /** Ends the worker; its own exit (Node) is then not taken for a crash. */
  const end = (error?: unknown): void => {
    if (slot) slot.dead = true
    // What the worker's queue held is let go: the fallback, or the origin's other tabs, take its events over.
    host?.close()
    caller?.close(error)
    monitor.call(() => void slot?.worker.terminate())
  }

  const fail = (error: unknown): void => {
    if (mode === 'fallback') return
    mode = 'fallback'
    monitor.report(error)
    cancelPost?.()
    end(error)
    const events = [...[...unacked].flat(), ...buffer]
    unacked.clear()
    buffer = []
    counts.fellBack += events.length
    const sink = toFallback()
    for (const event of events) monitor.call(() => sink.push(event))
  }

  const post = (): void => {
    cancelPost?.()
    cancelPost = undefined
    if (mode !== 'worker' || !buffer.length) return
    const batch = buffer
    buffer = []
    unacked.add(batch)
    counts.batches++
    // Read on the page for the worker's queue; one that throws or will not serialise is left out.
    let context = 'null'
    try {
      context = JSON.stringify(options.context?.()) ?? context
    } catch (error) {
      monitor.report(error)
    }
    let events: string
    try {
      events = JSON.stringify(batch)
    } catch {
      // A payload JSON cannot take (a cycle, a BigInt): that event alone goes to the fallback queue, which drops
      // and counts it as any queue does; the rest of the batch goes to the worker.
      const each: string[] = []
      for (const event of batch.splice(0)) {
        try {
          each.push(JSON.stringify(event))
          batch.push(event)
        } catch {
          monitor.call(() => toFallback().push(event))
        }
      }
      events = `[${each}]`
    }
    const bytes = encoder.encode(`{"context":${context},"events":${events}}`).buffer as ArrayBuffer
    call('push', [bytes], [bytes]).then(() => {
      unacked.delete(batch)
      counts.acknowledged += batch.length
    }, fail)
  }

  const start = (): void => {
    mode = 'worker'
    try {
      const create = options.createWorker ?? ((url) => new Worker(url, { type: 'module', name: 'marco-analytics' }))
      slot = spawnWorker(
        () => create(options.url),
        () => {},
        (reason) => fail(new Error(`analytics worker ${reason}`)),
      )
      caller = slot.caller
      // The page holds the worker queue's Web Locks (see `hostLocks`: the back/forward cache).
      host = hostLocks(scope, monitor)
      call('init', [cloneable(options.queue, scope), host?.port], host && [host.port]).catch(fail)
      // A worker has no pagehide of its own: post what waits and have its queue send now.
      // Hidden or closing: what waits goes to the worker, whose queue sends at once with keepalive (a keepalive
      // request outlives the worker when the page closes); what arrives while hidden follows at once.
      const hide = (hidden = true): void => {
        if (hidden) post()
        if (mode === 'worker') call('hide', [hidden], undefined, 0).catch(monitor.report)
      }
      teardowns.push(
        // The worker may not hear the network come back (its `online` event is not guaranteed): tell it.
        listen(monitor, scope, 'online', () => mode === 'worker' && call('resume', []).catch(monitor.report)),
        listen(monitor, scope, 'pagehide', () => hide()),
        listen(monitor, scope.document, 'visibilitychange', () => hide(scope.document?.visibilityState === 'hidden')),
      )
    } catch (error) {
      fail(error)
    }
  }

  return {
    push(event) {
      monitor.call(() => {
        if (stopped) return
        counts.pushed++
        if (mode === 'idle') start()
        if (mode === 'fallback') return toFallback().push(event)
        if (buffer.push(event) >= maxBatch) post()
        else cancelPost ??= startTimeout(monitor, post, options.flushIntervalMs ?? 1_000)
      })
    },
    purge(category) {
      monitor.call(() => {
        // Posted first, so the worker's queue purges and counts them with the rest.
        post()
        if (mode === 'worker') call('purge', [category]).catch(monitor.report)
        else fallback?.purge?.(category)
      })
    },
    async flush() {
      try {
        post()
        if (mode === 'worker') return (await call('flush', [], undefined, 0)) as FlushResult | undefined
        return await (fallback as { flush?: () => Promise<FlushResult> } | undefined)?.flush?.()
      } catch (error) {
        monitor.report(error)
        return undefined
      }
    },
    stats: () => ({ mode, ...counts }),
    open() {
      // Consent allows storage: start the worker now, so its queue resumes what earlier pages left.
      monitor.call(() => !stopped && mode === 'idle' && start())
    },
    async stop() {
      if (stopped) return
      try {
        post()
        stopped = true
        for (const teardown of teardowns.splice(0)) teardown()
        if (mode === 'worker') {
          await call('stop', [], undefined, ackMs).catch(monitor.report)
          end()
        } else await (fallback as { stop?: () => Promise<void> } | undefined)?.stop?.()
      } catch (error) {
        monitor.report(error)
      }
    },
  }
}

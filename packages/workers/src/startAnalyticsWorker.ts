import {
  EventQueue,
  type ConsentCategory,
  type EventQueueOptions,
  type FlushResult,
  type QueueStats,
  type SdkEvent,
} from '@marco/core'
import { expose } from './expose'
import { createHostedScope } from './lockHost'
import type { Endpoint } from './types'

/** What the analytics worker answers (`createWorkerSink` is its one caller). */
export interface AnalyticsWorkerApi {
  /**
   * Starts the worker's `EventQueue` with these options (cloneable ones only: no transport, clock or callbacks);
   * `locks`: the port of the page's `hostLocks`, which then holds the queue's Web Locks.
   */
  init(options: EventQueueOptions, locks?: MessagePort): boolean
  /**
   * Pushes a batch: the UTF-8 JSON of `{ context, events }`, transferred; `context` (an object, else left as it
   * was) is what the queue's next batches say once. Answers how many events were pushed.
   */
  push(batch: ArrayBuffer): number
  flush(): Promise<FlushResult | undefined>
  /** The page is hidden or closing (`true`) or visible again: the queue sends at once with keepalive while hidden. */
  hide(hidden: boolean): void
  /** The page saw the network come back: retry now instead of after the backoff. */
  resume(): Promise<FlushResult | undefined>
  purge(category: ConsentCategory): void
  stats(): QueueStats | undefined
  /** Flushes, stops the queue (what is left stays in IndexedDB for the next page load). */
  stop(): Promise<void>
}

/**
 * Runs the analytics side of a worker: answers `createWorkerSink` over `endpoint` (default this worker's
 * global scope) and feeds its batches into an `EventQueue` of the worker's own, which persists them in
 * IndexedDB and sends them. `overrides` replace init options (a test transport). Returns the removal.
 * The ready-made entry `@marco/workers/analytics-worker` is this call and nothing else.
 *
 * @example
 * // my-worker.ts: analytics plus the app's own methods in one worker
 * startAnalyticsWorker()
 */
export function startAnalyticsWorker(endpoint?: Endpoint, overrides: EventQueueOptions = {}): () => void {
  let queue: EventQueue | undefined
  /** The page's latest batch context (the page's function cannot be posted here, its value can). */
  let context: Record<string, unknown> | undefined
  const decoder = new TextDecoder()
  const api: AnalyticsWorkerApi = {
    init(options, locks) {
      queue ??= new EventQueue({
        context: () => context,
        ...options,
        ...(locks && { scope: createHostedScope(locks) }),
        ...overrides,
      })
      return true
    },
    push(batch) {
      if (!queue) throw new Error('analytics worker: push before init')
      const posted = JSON.parse(decoder.decode(batch)) as { context?: unknown; events: SdkEvent[] }
      if (posted.context && typeof posted.context === 'object' && !Array.isArray(posted.context))
        context = posted.context as Record<string, unknown>
      for (const event of posted.events) queue.push(event)
      return posted.events.length
    },
    flush: async () => queue?.flush(),
    resume: async () => queue?.resume(),
    hide: (hidden) => queue?.hide(hidden),
    purge: (category) => queue?.purge(category),
    stats: () => queue?.stats(),
    async stop() {
      await queue?.flush()
      await queue?.stop()
    },
  }
  return expose(api, endpoint)
}

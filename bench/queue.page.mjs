// The in-page half of queue.bench.mjs: bundled by esbuild, served on 127.0.0.1, driven from Node.
import { EventQueue } from '@marco/core'
import { createStrokeEvent } from './lib/events.mjs'
import { fillQueue } from './lib/fillQueue.mjs'
import { pushBlocks } from './lib/pushBlocks.mjs'
import { pageInfo } from './lib/pageInfo.mjs'
import { resetTimerNesting } from './lib/resetTimerNesting.mjs'

const sent = { send: async () => ({ result: 'sent' }) }
const serverDown = { send: async () => ({ result: 'retry' }) }
const now = () => performance.now()

let current

globalThis.bench = {
  info: pageInfo,

  /** Runs the push path hot once, through a throwaway memory-only queue, so the JIT has compiled it. */
  async warmUp(count) {
    const queue = new EventQueue({ storage: false, transport: sent })
    const events = Array.from({ length: count }, () => createStrokeEvent())
    await pushBlocks({ sink: queue, events, blockSize: 1000, now, afterTurn: resetTimerNesting })
    await queue.flush()
    await queue.stop()
  },

  /** Builds the events (before any timing) and the sink: an EventQueue, or a plain array as the harness floor. */
  async preparePush({ sink, storage, count }) {
    const events = Array.from({ length: count }, () => createStrokeEvent())
    if (sink === 'array') {
      const list = []
      current = { events, sink: { push: (event) => list.push(event) } }
      return { storage: 'none' }
    }
    const queue = new EventQueue({
      transport: sent,
      storage,
      storageName: `marco-bench-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    })
    // Measure the steady state, not the queue opening its database.
    while (queue.stats().storage === 'opening') await new Promise((resolve) => setTimeout(resolve, 5))
    current = { events, sink: queue, queue }
    return { storage: queue.stats().storage }
  },

  /** The measured run: the blocks, then until every event is delivered and the storage chain is idle. */
  async runPush({ blockSize }) {
    const { events, sink, queue } = current
    const { pushMs, turnMs, pendingBefore } = await pushBlocks({
      sink,
      events,
      blockSize,
      now,
      afterTurn: resetTimerNesting,
    })
    const settleStart = now()
    if (queue) {
      await queue.flush()
      await queue.stop()
    }
    const settleMs = now() - settleStart
    current = undefined
    return { pushMs, turnMs, pendingBefore, settleMs, stats: queue?.stats() }
  },

  /** A queue whose server is down, created before the heap is first measured. */
  prepareHeap({ maxQueueEvents, maxQueueBytes }) {
    current = { queue: new EventQueue({ transport: serverDown, storage: false, maxQueueEvents, maxQueueBytes }) }
  },

  /** Pushes `count` events in blocks, as an app would between frames, and lets the ingest run. */
  async fillHeap({ count, blockSize }) {
    const { jsonBytesPerEvent } = await fillQueue(current.queue, { count, blockSize })
    return { stats: current.queue.stats(), jsonBytesPerEvent }
  },

  async stopHeap() {
    await current.queue.stop()
    current = undefined
  },
}

globalThis.benchReady = true

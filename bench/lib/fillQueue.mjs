import { utf8Length } from '@marco/core'
import { createStrokeEvent } from './events.mjs'

/**
 * Pushes `count` fresh events into `queue` in blocks, yielding a macrotask after each (as an app does
 * between frames) and a few more at the end, so the queue's ingest has run over all of them. The events
 * are built as they are pushed and not kept: what stays on the heap is what the queue keeps.
 * Returns the mean JSON size of an event, for reference.
 *
 * @example
 * const { jsonBytesPerEvent } = await fillQueue(queue, { count: 100_000, blockSize: 1_000 })
 */
export async function fillQueue(queue, { count, blockSize }) {
  const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0))
  let sampled = 0
  let jsonBytes = 0
  for (let start = 0; start < count; start += blockSize) {
    for (let i = start; i < Math.min(start + blockSize, count); i++) {
      const event = createStrokeEvent()
      if (sampled < 1000) {
        sampled++
        jsonBytes += utf8Length(JSON.stringify(event))
      }
      queue.push(event)
    }
    await nextTurn()
  }
  for (let i = 0; i < 3; i++) await nextTurn()
  return { jsonBytesPerEvent: jsonBytes / Math.max(1, sampled) }
}

/**
 * Pushes `events` into `sink` in blocks and yields a macrotask after each block, as an app yields between
 * frames, so a queue's deferred work runs between blocks and not inside the next block's measurement.
 * Runs unchanged in Node and in the page.
 *
 * Returns, per block, the wall time of the pushes (`pushMs`) and the busy time of the turn that follows
 * (`turnMs`): from the end of the block until a `setTimeout(0)` scheduled then starts. The queue's own
 * `setTimeout(0)`, scheduled by the block's first push, runs first, so that turn is where its ingest runs.
 * `busyNow` is a clock of busy (non-idle) time where one exists (Node's event-loop utilization, since Node
 * clamps `setTimeout(0)` to 1 ms of idle); elsewhere wall time. When the sink has `stats()`, `pendingBefore`
 * holds its pending count as each block starts (outside the timing).
 *
 * @example
 * const { pushMs, turnMs } = await pushBlocks({ sink: queue, events, blockSize: 1000, now: () => performance.now() })
 */
export async function pushBlocks({ sink, events, blockSize, now, busyNow = now, afterTurn }) {
  const pushMs = []
  const turnMs = []
  const pendingBefore = []
  for (let start = 0; start < events.length; start += blockSize) {
    const end = Math.min(start + blockSize, events.length)
    if (typeof sink.stats === 'function') pendingBefore.push(sink.stats().pending)
    const t0 = now()
    for (let i = start; i < end; i++) sink.push(events[i])
    const t1 = now()
    const b1 = busyNow()
    await new Promise((resolve) => setTimeout(resolve, 0))
    turnMs.push(busyNow() - b1)
    pushMs.push(t1 - t0)
    if (afterTurn) await afterTurn()
  }
  return { pushMs, turnMs, pendingBefore }
}

/**
 * A message-channel hop after each measured turn. A timer scheduled from within five nested timers is
 * clamped to 4 ms (HTML timers, "timer nesting level"); without the hop every later block's turn would
 * include 4 ms of idle. A message task starts a new nesting chain.
 */
export function resetTimerNesting() {
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(0)
  })
}

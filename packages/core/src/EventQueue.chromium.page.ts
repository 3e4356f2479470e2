// The page the Chromium delivery tests load: one EventQueue posting to the page's own origin.
import { createId, EventQueue } from '@marco/core'

const queue = new EventQueue({
  endpoint: '/v1/batch',
  flushIntervalMs: 60_000,
  retryBaseMs: 100,
  retryMaxMs: 300,
  storageName: 'marco-chromium-test',
})

function push(count: number, tag: string): string[] {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const id = createId()
    ids.push(id)
    queue.push({ id, type: 'track', category: 'analytics', ts: Date.now(), sessionId: 's-1', payload: { tag, i } })
  }
  return ids
}

/**
 * Pushes `perTick` events every millisecond-ish timer tick until told to stop, each with a known id
 * (`burst-000000`, …), and records how many it pushed in localStorage, which outlives the page — once the tick's
 * task is over: its microtasks, the queue's among them, ran after the pushes. A page torn down in the middle of a
 * task (a closing tab is, under load) loses what that task did, as a crash would; what a finished task pushed must
 * all arrive. (Recorded in the timer callback itself, the count once outlived that tick's events: 3,100 recorded,
 * the last 20 missing, in one of four runs of the Chromium test suite.)
 */
function burst(perTick: number): void {
  let n = 0
  setInterval(() => {
    for (let i = 0; i < perTick; i++, n++) {
      queue.push({
        id: `burst-${String(n).padStart(6, '0')}`,
        type: 'track',
        category: 'analytics',
        ts: Date.now(),
        sessionId: 's-1',
        payload: { n, pad: 'x'.repeat(200) },
      })
    }
    const pushed = n
    queueMicrotask(() => localStorage.setItem('pushed', String(pushed)))
  }, 1)
}

Object.assign(window, { marco: { queue, push, burst } })

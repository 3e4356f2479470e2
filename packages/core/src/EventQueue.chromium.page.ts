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

Object.assign(window, { marco: { queue, push } })

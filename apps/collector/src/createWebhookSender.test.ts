import { afterEach, describe, expect, it } from 'vitest'
import { createWebhookSender } from './createWebhookSender'
import { fakeClock, startWebhookReceiver } from './testServer.test-helper'
import type { Alert } from './types'

const alert = (id: number): Alert => ({
  id,
  ts: 0,
  rule: 'new_fingerprint',
  key: `fp-${id}`,
  message: `new error ${id}`,
  value: 1,
  threshold: null,
  details: {},
  webhook: null,
})

describe('createWebhookSender', () => {
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined
  afterEach(async () => {
    await hook?.close()
    hook = undefined
  })

  it('keeps at most 4 POSTs open at once and sends no more than the rate per minute, skipping the rest', async () => {
    hook = await startWebhookReceiver({ holdMs: 100 })
    const clock = fakeClock()
    const sender = createWebhookSender({ url: hook.url, concurrency: 4, perMinute: 30, clock })
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send(alert(i))))
    expect(results.filter((result) => result === '200')).toHaveLength(30)
    expect(results.slice(30)).toEqual(Array(10).fill('skipped: rate limit (30 per minute)'))
    expect(hook.received).toHaveLength(30)
    // The cap holds whatever the timing; the hold makes calls overlap, so more than one is open at a time.
    expect(hook.maxOpen).toBeLessThanOrEqual(4)
    expect(hook.maxOpen).toBeGreaterThan(1)
    // A minute later the webhook gets alerts again.
    clock.advance(60_000)
    expect(await sender.send(alert(41))).toBe('200')
    await sender.drain()
    expect(hook.received).toHaveLength(31)
  })

  it('resolves to the error, never rejects, when the webhook cannot be reached', async () => {
    const sender = createWebhookSender({
      url: 'http://127.0.0.1:9/unreachable',
      concurrency: 1,
      perMinute: 10,
      clock: fakeClock(),
    })
    const results = await Promise.all([sender.send(alert(1)), sender.send(alert(2))])
    expect(results).toEqual([expect.stringMatching(/^error: /), expect.stringMatching(/^error: /)])
  })
})

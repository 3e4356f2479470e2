import { describe, expect, it } from 'vitest'
import { createFakeClock, createFakeScope, createFakeSink } from '@marco/testing'
import { Consent } from './Consent'
import { createCoreContext, createEvent } from './createCoreContext'
import { EventQueue } from './EventQueue'

describe('createCoreContext', () => {
  it('builds its own queue, consent (all pending) and one session id when given nothing', async () => {
    const context = createCoreContext({ scope: createFakeScope(), queueOptions: { storage: false } })
    expect(context.ownQueue).toBeInstanceOf(EventQueue)
    expect(context.queue).toBe(context.ownQueue)
    expect(context.consent.snapshot()).toEqual({ analytics: 'pending', crash: 'pending', performance: 'pending' })
    expect(context.sessionId()).toBe(context.sessionId())
    await context.ownQueue!.stop()
  })

  it('uses what it is given: a sink, a consent state, a clock and a session source', () => {
    const queue = createFakeSink()
    const consent = new Consent({ defaults: { crash: 'granted' } })
    const clock = createFakeClock(1_000)
    const context = createCoreContext({ queue, consent, clock, sessionId: () => 's-9' })
    expect(context.ownQueue).toBeUndefined()
    expect(context.queue).toBe(queue)
    expect(context.consent).toBe(consent)
    const event = createEvent(context, 'crash', 'exception', { message: 'boom' })
    expect(event).toMatchObject({ type: 'exception', category: 'crash', ts: 1_000, sessionId: 's-9', payload: { message: 'boom' } })
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/)
  })
})

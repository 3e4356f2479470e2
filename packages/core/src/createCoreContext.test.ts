import { describe, expect, it, vi } from 'vitest'
import { createFakeClock, createFakeScope, createFakeSink } from '@marco/testing'
import { Consent } from './Consent'
import { createCoreContext } from './createCoreContext'
import { createEvent } from './createEvent'
import { EventQueue } from './EventQueue'

describe('createCoreContext', () => {
  it('builds consent (all pending) and one session id, and its own queue only once consent is granted', async () => {
    const context = createCoreContext({ scope: createFakeScope(), queueOptions: { storage: false } })
    expect(context.consent.snapshot()).toEqual({ analytics: 'pending', crash: 'pending', performance: 'pending' })
    expect(context.sessionId()).toBe(context.sessionId())
    expect(context.ownQueue).toBeUndefined()
    context.consent.grant('crash')
    expect(context.ownQueue).toBeInstanceOf(EventQueue)
    await context.stop()
  })

  it('opens its queue at once when a category is granted from the start', async () => {
    const transport = { send: vi.fn(async () => ({ result: 'sent' as const })) }
    const context = createCoreContext({
      scope: createFakeScope(),
      queueOptions: { storage: false, transport },
      consent: { defaults: { performance: 'granted' } },
    })
    context.queue.push(createEvent(context, 'performance', 'metric', { fps: 60 }))
    expect(await context.flush()).toEqual({ sent: 1, dropped: 0, pending: 0 })
    expect(context.ownQueue).toBeInstanceOf(EventQueue)
    await context.stop()
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
    expect(event).toMatchObject({
      type: 'exception',
      category: 'crash',
      ts: 1_000,
      sessionId: 's-9',
      payload: { message: 'boom' },
    })
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/)
  })
})

describe('createCoreContext with a sink of its own', () => {
  it('opens the sink once some consent is granted, not before', () => {
    let opened = 0
    const queue = { push: () => {}, open: () => void opened++ }
    const context = createCoreContext({ scope: createFakeScope(), queue })
    expect(opened).toBe(0)
    context.consent.grant('crash')
    expect(opened).toBe(1)
    createCoreContext({ scope: createFakeScope(), queue, consent: { defaults: { analytics: 'granted' } } })
    expect(opened).toBe(2)
  })
})

import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createFakeScope } from '@marco/testing'
import { createSharedState, type ChannelLike, type SharedState } from './createSharedState'

type State = { consent: string; user: string; flags: Record<string, boolean> }
const initial: State = { consent: 'pending', user: '', flags: {} }

/** BroadcastChannels in memory whose messages wait until the test delivers them, in any order it likes. */
function createNetwork() {
  const members: { listeners: Set<(event: { data: unknown }) => void>; closed: boolean }[] = []
  const inFlight: { to: (typeof members)[number]; data: unknown }[] = []
  const open = (): ChannelLike => {
    const me = { listeners: new Set<(event: { data: unknown }) => void>(), closed: false }
    members.push(me)
    return {
      postMessage(message) {
        for (const other of members)
          if (other !== me && !other.closed) inFlight.push({ to: other, data: structuredClone(message) })
      },
      addEventListener: (_type, listener) => void me.listeners.add(listener),
      removeEventListener: (_type, listener) => void me.listeners.delete(listener),
      close: () => void (me.closed = true),
    }
  }
  const deliver = (index: number): void => {
    const [message] = inFlight.splice(index % inFlight.length, 1)
    for (const listener of message!.to.listeners) listener({ data: message!.data })
  }
  return { open, inFlight, deliver }
}

const opened: SharedState<State>[] = []
afterEach(() => {
  for (const state of opened.splice(0)) state.close()
})

describe('createSharedState', () => {
  it('converges three endpoints writing concurrently, whatever order the messages arrive in', () => {
    const write = fc.record({
      who: fc.integer({ min: 0, max: 2 }),
      patch: fc.oneof(
        fc.record({ consent: fc.constantFrom('granted', 'denied', 'pending') }),
        fc.record({ user: fc.string({ maxLength: 4 }) }),
        fc.record({ flags: fc.dictionary(fc.constantFrom('a', 'b'), fc.boolean()) }),
        fc.record({ consent: fc.constantFrom('granted', 'denied'), user: fc.string({ maxLength: 2 }) }),
      ),
    })
    const step = fc.oneof(
      write.map((w) => ({ kind: 'write' as const, ...w })),
      fc.nat().map((n) => ({ kind: 'deliver' as const, n })),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const network = createNetwork()
        const tabs = ['tab-a', 'tab-b', 'tab-c'].map((id) =>
          createSharedState('s', initial, { id, channel: network.open }),
        )
        for (const current of steps) {
          if (current.kind === 'write') tabs[current.who]!.set(current.patch)
          else if (network.inFlight.length) network.deliver(current.n)
        }
        while (network.inFlight.length) network.deliver(0)
        const [a, b, c] = tabs.map((tab) => tab.get())
        expect(b).toEqual(a)
        expect(c).toEqual(a)
      }),
      { numRuns: 300 },
    )
  })

  it('breaks a tie of the same logical time by the writer’s id, the same way everywhere', () => {
    const network = createNetwork()
    const low = createSharedState('s', initial, { id: 'a', channel: network.open })
    const high = createSharedState('s', initial, { id: 'b', channel: network.open })
    while (network.inFlight.length) network.deliver(0)
    low.set({ consent: 'denied' })
    high.set({ consent: 'granted' })
    while (network.inFlight.length) network.deliver(0)
    expect(low.get().consent).toBe('granted')
    expect(high.get().consent).toBe('granted')
    // A later write wins over a higher id.
    low.set({ consent: 'denied' })
    while (network.inFlight.length) network.deliver(0)
    expect(high.get().consent).toBe('denied')
  })

  it('gives a late joiner the current state', () => {
    const network = createNetwork()
    const first = createSharedState('s', initial, { id: 'a', channel: network.open })
    first.set({ user: 'u-1', consent: 'granted' })
    while (network.inFlight.length) network.deliver(0)
    const late = createSharedState('s', initial, { id: 'z', channel: network.open })
    expect(late.get()).toEqual(initial)
    while (network.inFlight.length) network.deliver(0)
    expect(late.get()).toEqual({ consent: 'granted', user: 'u-1', flags: {} })
  })

  it('tells subscribers about local and remote changes, and survives a throwing one', () => {
    const network = createNetwork()
    const errors: unknown[] = []
    const a = createSharedState('s', initial, {
      id: 'a',
      channel: network.open,
      monitor: {
        call: (fn, ...args) => {
          try {
            return fn(...args)
          } catch (e) {
            errors.push(e)
            return undefined
          }
        },
        wrap: (fn) => fn,
        report: (e) => void errors.push(e),
      },
    })
    const b = createSharedState('s', initial, { id: 'b', channel: network.open })
    const seen: string[] = []
    a.subscribe(() => {
      throw new Error('listener bug')
    })
    const unsubscribe = a.subscribe((state) => seen.push(state.consent))
    a.set({ consent: 'granted' })
    b.set({ consent: 'denied' })
    while (network.inFlight.length) network.deliver(0)
    expect(seen).toEqual(['granted', 'denied'])
    expect(errors).toHaveLength(2)
    unsubscribe()
    b.set({ consent: 'granted' })
    while (network.inFlight.length) network.deliver(0)
    expect(seen).toHaveLength(2)
  })

  it('converges over real BroadcastChannels', async () => {
    const tabs = ['a', 'b', 'c'].map((id) => createSharedState<State>('real-test', initial, { id }))
    opened.push(...tabs)
    tabs[0]!.set({ consent: 'granted' })
    tabs[1]!.set({ user: 'u-2' })
    tabs[2]!.set({ consent: 'denied', flags: { beta: true } })
    const expected = { consent: 'denied', user: 'u-2', flags: { beta: true } }
    await vi.waitFor(() => {
      for (const tab of tabs) expect(tab.get()).toEqual(expected)
    })
    const late = createSharedState<State>('real-test', initial, { id: 'd' })
    opened.push(late)
    await vi.waitFor(() => expect(late.get()).toEqual(expected))
  })

  it('is a plain local state where BroadcastChannel is missing', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    try {
      const state = createSharedState('s', initial)
      state.set({ user: 'solo' })
      expect(state.get().user).toBe('solo')
      state.close()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('leaves the channel while its page is in the back/forward cache; restored, it catches up and tells its own', () => {
    const network = createNetwork()
    const page = createFakeScope()
    const a = createSharedState('s', initial, { id: 'a', channel: network.open, scope: page })
    const b = createSharedState('s', initial, { id: 'b', channel: network.open })
    a.set({ user: 'u-1' })
    while (network.inFlight.length) network.deliver(0)
    expect(b.get().user).toBe('u-1')

    page.dispatch('pagehide', { persisted: true })
    // Written on the way out, after the page left: nothing reaches the others now.
    a.set({ flags: { beta: true } })
    b.set({ consent: 'granted' })
    // A newcomer while the page is cached: its hello does not reach the cached page either.
    const c = createSharedState('s', initial, { id: 'c', channel: network.open })
    while (network.inFlight.length) network.deliver(0)
    expect(a.get()).toEqual({ consent: 'pending', user: 'u-1', flags: { beta: true } })
    expect(c.get()).toEqual({ consent: 'granted', user: 'u-1', flags: {} })

    page.dispatch('pageshow', { persisted: true })
    while (network.inFlight.length) network.deliver(0)
    const expected = { consent: 'granted', user: 'u-1', flags: { beta: true } }
    for (const peer of [a, b, c]) expect(peer.get()).toEqual(expected)
  })

  it('stays on the channel through a pagehide that is not into the cache', () => {
    const network = createNetwork()
    const page = createFakeScope()
    const a = createSharedState('s', initial, { id: 'a', channel: network.open, scope: page })
    const b = createSharedState('s', initial, { id: 'b', channel: network.open })
    page.dispatch('pagehide', { persisted: false })
    b.set({ user: 'u-2' })
    while (network.inFlight.length) network.deliver(0)
    expect(a.get().user).toBe('u-2')
  })

  it('does not rejoin once closed, and closing leaves no page listener behind', () => {
    const network = createNetwork()
    const page = createFakeScope()
    const a = createSharedState('s', initial, { id: 'a', channel: network.open, scope: page })
    const b = createSharedState('s', initial, { id: 'b', channel: network.open })
    while (network.inFlight.length) network.deliver(0)
    a.close()
    expect(page.listenerCount()).toBe(0)
    page.dispatch('pageshow', { persisted: true })
    b.set({ user: 'u-3' })
    expect(network.inFlight).toEqual([])
    expect(a.get().user).toBe('')
  })
})

// What a confused or hostile other side (a second expose, a handler that throws odd values, a peer of another
// version, a worker reusing ids) and an unlucky app (a call after stop, one unserializable event) cannot do to the
// package: each case was a defect, and each test fails without its fix.
import { MessageChannel } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMonitor, type SdkEvent, type Transport } from '@marco/core'
import { createFakeScope, createFakeSink, createLockRegistry } from '@marco/testing'
import { createSharedState, type ChannelLike } from './createSharedState'
import { createWorkerSink } from './createWorkerSink'
import { expose } from './expose'
import { hostLocks } from './lockHost'
import { startAnalyticsWorker } from './startAnalyticsWorker'
import type { Endpoint } from './types'
import { WorkerPool } from './WorkerPool'
import { wrap } from './wrap'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.useRealTimers()
})

function channel() {
  const { port1, port2 } = new MessageChannel()
  cleanups.push(
    () => port1.close(),
    () => port2.close(),
  )
  return { page: port1 as unknown as Endpoint, worker: port2 as unknown as Endpoint, port1, port2 }
}

/** Settles within `ms` (a bound for a hang, far above a round trip on a busy machine), or says it did not. */
const within = <T>(promise: Promise<T>, ms = 5_000) =>
  Promise.race([
    promise.then(
      (value) => ({ settled: 'resolved' as const, value }),
      (error: unknown) => ({ settled: 'rejected' as const, error }),
    ),
    new Promise<{ settled: 'pending' }>((resolve) => setTimeout(() => resolve({ settled: 'pending' }), ms)),
  ])

let serial = 0
const event = (): SdkEvent => ({
  id: `robustness-${++serial}`,
  type: 'track',
  category: 'analytics',
  ts: 1_764_417_600_000,
  sessionId: 's-1',
  payload: { name: 'stroke' },
})

describe('startAnalyticsWorker next to an app’s own expose() (README: "A custom worker can run the same side")', () => {
  it('answers the app’s own methods with their results, not with "is not an exposed method"', async () => {
    const { page, worker } = channel()
    const transport: Transport = { send: async () => ({ result: 'sent' }) }
    // my-worker.ts, as the README and startAnalyticsWorker's JSDoc describe it
    cleanups.push(startAnalyticsWorker(worker, { transport, storage: false }))
    const appApi = {
      double: (n: number) => n * 2,
      load: async (name: string) => `loaded ${name}`,
    }
    cleanups.push(expose(appApi, worker))
    const remote = wrap<typeof appApi>(page)
    await expect(remote.double(21)).resolves.toBe(42)
    await expect(remote.load('scene')).resolves.toBe('loaded scene')
  })

  it('lets the analytics sink flush through the worker when the app exposed its methods first', async () => {
    const { page, worker } = channel()
    const sent: string[] = []
    const transport: Transport = {
      send: async (batch) => (sent.push(...batch.events.map((each) => each.id)), { result: 'sent' }),
    }
    cleanups.push(expose({ double: (n: number) => n * 2 }, worker))
    cleanups.push(startAnalyticsWorker(worker, { transport, storage: false, flushIntervalMs: 60_000 }))
    const errors: unknown[] = []
    const fallback = createFakeSink()
    const sink = createWorkerSink({
      url: '/analytics-worker.js',
      queue: { endpoint: '/v1/batch' },
      fallback,
      monitor: createMonitor({ onError: (error) => errors.push(error) }),
      createWorker: () => Object.assign(page, { terminate: () => {} }),
    })
    cleanups.push(() => sink.stop())
    const pushed = [event(), event()]
    for (const each of pushed) sink.push(each)
    const flushed = await sink.flush()
    expect(errors.map((error) => (error as Error).message)).toEqual([])
    expect(flushed).toMatchObject({ pending: 0 })
    expect(sent).toEqual(pushed.map((each) => each.id))
    expect(fallback.events).toHaveLength(0)
  })
})

describe('expose: what the handler throws always rejects the call', () => {
  it('rejects (does not resolve undefined) when a handler throws a falsy value', async () => {
    const { page, worker } = channel()
    const api = {
      throwsZero: (): never => {
        throw 0
      },
      rejectsEmpty: async () => Promise.reject(''),
    }
    cleanups.push(expose(api, worker))
    const remote = wrap<typeof api>(page)
    const zero = await within(remote.throwsZero())
    const empty = await within(remote.rejectsEmpty())
    expect(zero.settled).toBe('rejected')
    expect(empty.settled).toBe('rejected')
  })

  it('rejects (does not hang) when a handler throws an object without a prototype', async () => {
    const { page, worker } = channel()
    const api = {
      throwsBare: (): never => {
        throw Object.assign(Object.create(null) as object, { code: 42 })
      },
    }
    cleanups.push(expose(api, worker))
    const remote = wrap<typeof api>(page)
    const outcome = await within(remote.throwsBare())
    expect(outcome.settled).toBe('rejected')
  })
})

describe('createWorkerSink after stop()', () => {
  it('settles flush() after stop() instead of waiting forever on the ended worker', async () => {
    const { page, worker, port1 } = channel()
    const transport: Transport = { send: async () => ({ result: 'sent' }) }
    cleanups.push(startAnalyticsWorker(worker, { transport, storage: false, flushIntervalMs: 60_000 }))
    const sink = createWorkerSink({
      url: '/analytics-worker.js',
      queue: { endpoint: '/v1/batch' },
      fallback: createFakeSink(),
      monitor: createMonitor({ onError: () => {} }),
      // terminate() as a real worker's: nothing is answered any more
      createWorker: () => Object.assign(page, { terminate: () => port1.close() }),
    })
    sink.push(event())
    await sink.flush()
    await sink.stop()
    const outcome = await within(sink.flush())
    expect(outcome.settled).not.toBe('pending')
  })
})

describe('createWorkerSink: one event JSON cannot take', () => {
  it('hands only that event to the fallback (which counts it) and sends the rest of its batch through the worker', async () => {
    const { page, worker } = channel()
    const sent: string[] = []
    const transport: Transport = {
      send: async (batch) => (sent.push(...batch.events.map((each) => each.id)), { result: 'sent' }),
    }
    cleanups.push(startAnalyticsWorker(worker, { transport, storage: false, flushIntervalMs: 60_000 }))
    const fallback = createFakeSink()
    const sink = createWorkerSink({
      url: '/analytics-worker.js',
      queue: { endpoint: '/v1/batch' },
      fallback,
      monitor: createMonitor({ onError: () => {} }),
      createWorker: () => Object.assign(page, { terminate: () => {} }),
    })
    cleanups.push(() => sink.stop())
    const good = [event(), event()]
    const bad = { ...event(), payload: { size: 10n } as never }
    sink.push(good[0]!)
    sink.push(bad)
    sink.push(good[1]!)
    await sink.flush()
    expect(sink.stats()).toMatchObject({ mode: 'worker', acknowledged: 2 })
    expect(sent).toEqual(good.map((each) => each.id))
    expect(fallback.events.map((each) => each.id)).toEqual([bad.id])
  })
})

describe('createSharedState: a malformed message from a peer changes nothing', () => {
  function pair() {
    const listeners = new Set<(event: { data: unknown }) => void>()
    const outsider = { post: (data: unknown) => listeners.forEach((listener) => listener({ data })) }
    const open = (): ChannelLike => ({
      postMessage: () => {},
      addEventListener: (_type, listener) => void listeners.add(listener),
      removeEventListener: (_type, listener) => void listeners.delete(listener),
      close: () => {},
    })
    // This tab's state, on the channel the outsider posts on.
    const state = createSharedState(
      'shared',
      { consent: 'pending', user: '' },
      { channel: open, id: 'tab-a', monitor: createMonitor({ onError: () => {} }) },
    )
    cleanups.push(() => state.close())
    return { outsider, state }
  }

  it('still applies its own set() after a peer sent a stamp that is not [clock, id]', () => {
    const { outsider, state } = pair()
    state.set({ consent: 'granted' })
    outsider.post({ k: 'state', values: { other: 1 }, stamps: { other: 'garbage' } })
    state.set({ consent: 'denied' })
    expect(state.get().consent).toBe('denied')
  })

  it('does not half-apply a message whose second stamp is malformed (later valid writes still win)', () => {
    const { outsider, state } = pair()
    outsider.post({
      k: 'state',
      values: { consent: 'granted', user: 'x' },
      stamps: { consent: [50, 'tab-z'], user: null },
    })
    expect(state.get().consent).toBe('pending')
    // A legitimate peer's write, later than anything valid this tab saw.
    outsider.post({ k: 'state', values: { consent: 'denied' }, stamps: { consent: [2, 'tab-b'] } })
    expect(state.get().consent).toBe('denied')
  })
})

describe('WorkerPool: a malformed answer from a worker', () => {
  it('keeps stats() numeric when a result comes without its timings', async () => {
    const { port1, port2 } = new MessageChannel()
    cleanups.push(
      () => port1.close(),
      () => port2.close(),
    )
    // A worker that answers every call, but without `d` / `l`.
    port2.on('message', (message: { marco: string; i: number; m: string }) => {
      if (message.marco === 'call') port2.postMessage({ marco: 'result', i: message.i, v: 'ok' })
    })
    const pool = new WorkerPool({
      url: '/worker.js',
      size: 1,
      createWorker: () => Object.assign(port1 as unknown as Endpoint, { terminate: () => {} }),
    })
    cleanups.push(() => pool.terminate())
    await expect(pool.run('anything')).resolves.toBe('ok')
    const { taskMs, lagMs } = pool.stats()
    expect(Number.isFinite(taskMs.mean)).toBe(true)
    expect(Number.isFinite(lagMs.mean)).toBe(true)
  })
})

describe('hostLocks: a replayed request id from the worker', () => {
  it('lets every lock go on close(), even when the worker reused a request id', async () => {
    const origin = createLockRegistry()
    const page = createFakeScope({ navigator: { locks: origin.client() } })
    const host = hostLocks(page, createMonitor({ onError: () => {} }))!
    const worker = host.port
    const granted: unknown[] = []
    worker.onmessage = ({ data }) => granted.push(data)
    worker.postMessage({ t: 'request', i: 1, n: 'lock-a' })
    worker.postMessage({ t: 'request', i: 1, n: 'lock-b' })
    await vi.waitFor(() => expect(granted).toHaveLength(2))
    host.close()
    worker.close()
    const other = origin.client()
    await vi.waitFor(async () =>
      expect(await other.request('lock-a', { ifAvailable: true }, (lock) => lock !== null)).toBe(true),
    )
  })
})

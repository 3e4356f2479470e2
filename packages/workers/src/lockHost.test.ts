import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createId, createMonitor, EventQueue, type GlobalScope, type SdkEvent } from '@marco/core'
import {
  createFakeScope,
  createLockRegistry,
  startTestCollector,
  type FakeLockManager,
  type FakeScope,
  type LockRegistry,
  type TestCollector,
} from '@marco/testing'
import { createHostedScope, hostLocks, type LockHostMessage } from './lockHost'

// One origin: its Web Locks (the lock registry; Node 20 has none), IndexedDB (fake-indexeddb), Node's own
// BroadcastChannel and MessageChannel, and a real collector. "The page" is a scope whose locks are one client of
// the origin; "the worker" is the scope `createHostedScope` makes from the host's port over a worker's own
// globals (whose locks it only queries).

let collector: TestCollector
let origin: LockRegistry
let storageName: string
let cleanups: (() => unknown)[]

beforeEach(async () => {
  collector = await startTestCollector()
  origin = createLockRegistry()
  storageName = `marco-lock-host-${createId()}`
  cleanups = []
})
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await collector.close()
})

const event = (): SdkEvent => ({
  id: createId(),
  type: 'track',
  category: 'analytics',
  ts: Date.now(),
  sessionId: 's-1',
  payload: { name: 'stroke' },
})

const network = {
  indexedDB: globalThis.indexedDB,
  fetch: globalThis.fetch,
  crypto: globalThis.crypto,
  console,
  BroadcastChannel,
}

/** What a worker has of its own: the network, IndexedDB, a channel, Web Locks of its own; no page events. */
const workerGlobal = (): GlobalScope => ({
  ...network,
  navigator: { onLine: true, locks: origin.client() } as unknown as Navigator,
})

/** A page (or tab) of the origin: its own Web Locks client, the network, IndexedDB and channels. */
function pageScope(locks: LockManager = origin.client()): FakeScope {
  return createFakeScope({ navigator: { locks }, overrides: network })
}

/** A queue on `scope` of the origin's store; the server being down, it retries only when told (`resume`). */
function startQueue(scope: GlobalScope): EventQueue {
  const queue = new EventQueue({
    endpoint: collector.endpoint,
    storageName,
    scope,
    retryBaseMs: 3_600_000,
    random: () => 1,
  })
  cleanups.push(() => queue.stop())
  return queue
}

/** The page's host and a worker's queue that runs through it. */
async function hostedQueue(page = pageScope()) {
  const host = hostLocks(page, createMonitor())!
  cleanups.push(() => host.port.close(), host.close)
  const queue = startQueue(createHostedScope(host.port, workerGlobal()))
  await vi.waitFor(() => expect(queue.stats().storage).toBe('indexeddb'))
  return { page, host, queue }
}

/** Pushes `count` events while the server is unreachable: they are stored, not delivered. */
async function storeEvents(queue: EventQueue, count: number): Promise<string[]> {
  collector.reply = () => 'network-error'
  const events = Array.from({ length: count }, event)
  for (const each of events) queue.push(each)
  await queue.flush()
  collector.reply = () => ({ status: 200 })
  return events.map((each) => each.id)
}

/** The origin's queue locks held now (each queue holds one named after itself while it runs). */
async function queueLocks(): Promise<number> {
  const { held = [] } = await origin.client().query()
  return held.filter((lock) => lock.name?.startsWith(`${storageName}:`) && !lock.name.endsWith(':claim')).length
}

describe('hostLocks and createHostedScope: a worker queue whose Web Locks the page holds', () => {
  it('lets the lock go on pagehide into the back/forward cache, so a tab takes its events; pageshow owns them again', async () => {
    const { page, queue } = await hostedQueue()
    const before = await storeEvents(queue, 5)
    const tab = startQueue(pageScope())
    await tab.flush()
    // The worker's queue is alive (its lock is held, by the page): the tab leaves its events alone.
    expect(collector.storedIds).toEqual([])
    expect(await queueLocks()).toBe(2)

    page.dispatch('pagehide', { persisted: true })
    await vi.waitFor(() => expect(collector.storedIds).toEqual(before))
    expect(await queueLocks()).toBe(1)

    page.dispatch('pageshow', { persisted: true })
    await vi.waitFor(async () => expect(await queueLocks()).toBe(2))
    const after = [event(), event()]
    for (const each of after) queue.push(each)
    await queue.resume()
    // It sends its own copy of the earlier events too; the collector stores each id once.
    expect(new Set(collector.storedIds)).toEqual(new Set([...before, ...after.map((each) => each.id)]))
  })

  it('keeps the lock through a pagehide that is not into the cache (a close: the worker ends with the page)', async () => {
    const { page, queue } = await hostedQueue()
    await storeEvents(queue, 3)
    const tab = startQueue(pageScope())
    page.dispatch('pagehide', { persisted: false })
    await tab.flush()
    expect(collector.storedIds).toEqual([])
    expect(await queueLocks()).toBe(2)
  })

  it('lets everything go when closed (the worker failed or stopped): another tab sends its events at once', async () => {
    const { host, queue } = await hostedQueue()
    const stored = await storeEvents(queue, 4)
    const tab = startQueue(pageScope())
    await tab.flush()
    expect(collector.storedIds).toEqual([])
    host.close()
    await vi.waitFor(() => expect(collector.storedIds).toEqual(stored))
    expect(await queueLocks()).toBe(1)
  })

  it('watches a tab that starts later through the page, and takes its events when it crashes', async () => {
    const { queue } = await hostedQueue()
    const locks = origin.client()
    const tab = startQueue(pageScope(locks))
    // The tab announced itself on the origin's channel; the worker's queue waits on its lock through the page.
    const stored = await storeEvents(tab, 3)
    ;(locks as FakeLockManager).kill()
    await vi.waitFor(() => expect(collector.storedIds).toEqual(stored))
    expect(queue.stats().sent).toBe(3)
  })
})

describe('the lock host protocol', () => {
  /** The page's host with a raw worker end: what it answers, in order. */
  function rawHost(locks: LockManager = origin.client()) {
    const reported: unknown[] = []
    const page = pageScope(locks)
    const host = hostLocks(page, createMonitor({ onError: (error) => reported.push(error) }))!
    const answers: LockHostMessage[] = []
    host.port.onmessage = ({ data }) => answers.push(data)
    cleanups.push(() => host.port.close(), host.close)
    return { page, host, answers, reported, send: (message: unknown) => host.port.postMessage(message) }
  }

  it('lets go of a lock the worker gave up on while it waited, so the next one in line gets it', async () => {
    const holder = origin.client()
    let release!: () => void
    void holder.request('x', () => new Promise<void>((resolve) => (release = resolve)))
    await vi.waitFor(() => expect(release).toBeTypeOf('function'))
    const { send, answers } = rawHost()
    const waiting = async () => (await origin.client().query()).pending?.map((lock) => lock.name)
    send({ t: 'request', i: 1, n: 'x' })
    await vi.waitFor(async () => expect(await waiting()).toEqual(['x']))
    send({ t: 'release', i: 1 })
    await vi.waitFor(async () => expect(await waiting()).toEqual([]))
    const next = origin.client().request('x', () => 'next got it')
    release()
    expect(await next).toBe('next got it')
    // Given up by the worker while it waited: out of the line, never granted, no answer for it.
    expect((await origin.client().query()).held).toEqual([])
    expect(answers).toEqual([])
  })

  it('lets go at once of a grant that comes after the worker gave up (its abort too late to stop it)', async () => {
    // A lock manager that grants when the test says, whatever the signal: the browser's order when the grant was
    // already decided as the abort arrived.
    const grants: LockGrantedCallback<unknown>[] = []
    const locks = {
      request: (_name: string, _options: LockOptions, callback: LockGrantedCallback<unknown>) =>
        new Promise(() => grants.push(callback)),
    } as unknown as LockManager
    const { send, answers, reported } = rawHost(locks)
    send({ t: 'request', i: 1, n: 'x' })
    send({ t: 'release', i: 1 })
    // Once the malformed message after them is reported, both have been handled.
    send(null)
    await vi.waitFor(() => expect(reported).toHaveLength(1))
    expect(grants).toHaveLength(1)
    // The callback ends at once (nothing to hold), and the worker is not told of a grant it no longer wants.
    expect(grants[0]!({ name: 'x', mode: 'exclusive' })).toBeUndefined()
    await new Promise((resolve) => setImmediate(resolve))
    expect(answers).toEqual([])
  })

  it('answers a request with granted once it holds the lock; a release lets it go', async () => {
    const { send, answers } = rawHost()
    send({ t: 'request', i: 1, n: 'mine' })
    await vi.waitFor(() => expect(answers).toEqual([{ t: 'granted', i: 1 }]))
    expect((await origin.client().query()).held?.map((lock) => lock.name)).toEqual(['mine'])
    send({ t: 'release', i: 1 })
    await vi.waitFor(async () => expect((await origin.client().query()).held).toEqual([]))
  })

  it('answers failed, with the error name, when the page’s own request fails', async () => {
    const locks = origin.client() as FakeLockManager
    const { send, answers } = rawHost(locks)
    locks.kill()
    send({ t: 'request', i: 1, n: 'x' })
    await vi.waitFor(() => expect(answers).toEqual([{ t: 'failed', i: 1, n: 'AbortError' }]))
  })

  it('survives malformed messages from the worker: each is reported, nothing is held, the next request works', async () => {
    const { send, answers, reported } = rawHost()
    for (const bad of [null, 7, 'request', { t: 'nope' }, { t: 'release', i: 'x' }, { t: 'post', i: 9, d: 1 }])
      send(bad)
    send({ t: 'request', i: 1, n: 'after' })
    await vi.waitFor(() => expect(answers).toEqual([{ t: 'granted', i: 1 }]))
    expect(reported.length).toBeGreaterThan(0)
    expect((await origin.client().query()).held?.map((lock) => lock.name)).toEqual(['after'])
  })

  it('takes nothing for the worker while the page is in the back/forward cache', async () => {
    const { page, send, answers, reported } = rawHost()
    page.dispatch('pagehide', { persisted: true })
    send({ t: 'request', i: 1, n: 'while-cached' })
    // A malformed message after it: once that is reported, the request before it has been handled (in order).
    send(null)
    await vi.waitFor(() => expect(reported).toHaveLength(1))
    expect((await origin.client().query()).held).toEqual([])
    expect(answers).toEqual([{ t: 'pagehide', persisted: true }])
    page.dispatch('pageshow', { persisted: true })
    send({ t: 'request', i: 2, n: 'restored' })
    await vi.waitFor(() =>
      expect(answers.slice(1)).toEqual([
        { t: 'pageshow', persisted: true },
        { t: 'granted', i: 2 },
      ]),
    )
    expect((await origin.client().query()).held?.map((lock) => lock.name)).toEqual(['restored'])
  })

  /** A hosted scope with a raw page end: what the worker side asks, in order. */
  function rawWorker() {
    const { port1, port2 } = new MessageChannel()
    cleanups.push(
      () => port1.close(),
      () => port2.close(),
    )
    const scope = createHostedScope(port2, workerGlobal())
    const asked: LockHostMessage[] = []
    port1.onmessage = ({ data }) => asked.push(data)
    return { locks: scope.navigator!.locks, asked, answer: (message: LockHostMessage) => port1.postMessage(message) }
  }

  it('the worker side lets go of a lock granted after it gave up on it', async () => {
    const { asked, answer } = rawWorker()
    answer({ t: 'granted', i: 41 })
    await vi.waitFor(() => expect(asked).toEqual([{ t: 'release', i: 41 }]))
  })

  it('the worker side rejects a request the page could not take, with the page’s error name', async () => {
    const { locks, asked, answer } = rawWorker()
    const request = locks.request('x', {}, () => 'never')
    await vi.waitFor(() => expect(asked).toEqual([{ t: 'request', i: 1, n: 'x' }]))
    answer({ t: 'failed', i: 1, n: 'SecurityError' })
    await expect(request).rejects.toMatchObject({ name: 'SecurityError' })
  })

  it('the worker side holds a granted lock for as long as its callback runs, then releases it', async () => {
    const { locks, asked, answer } = rawWorker()
    let finish!: (value: string) => void
    const request = locks.request('x', {}, () => new Promise<string>((resolve) => (finish = resolve)))
    await vi.waitFor(() => expect(asked).toHaveLength(1))
    answer({ t: 'granted', i: 1 })
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'))
    expect(asked).toHaveLength(1)
    finish('done')
    expect(await request).toBe('done')
    await vi.waitFor(() =>
      expect(asked).toEqual([
        { t: 'request', i: 1, n: 'x' },
        { t: 'release', i: 1 },
      ]),
    )
  })

  it('the worker side rejects at once a request aborted while it waits, and tells the page', async () => {
    const { locks, asked } = rawWorker()
    const aborter = new AbortController()
    const request = locks.request('x', { signal: aborter.signal }, () => 'never')
    aborter.abort()
    await expect(request).rejects.toMatchObject({ name: 'AbortError' })
    await vi.waitFor(() =>
      expect(asked).toEqual([
        { t: 'request', i: 1, n: 'x' },
        { t: 'release', i: 1 },
      ]),
    )
  })
})

import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeScope,
  createLockRegistry,
  createMemoryStorage,
  startTestCollector,
  type FakeLockManager,
  type LockRegistry,
  type TestCollector,
} from '@marco/testing'
import { createHttpTransport, type SendOptions, type Transport } from './createHttpTransport'
import { createId } from './createId'
import { EventQueue, POISON_ATTEMPTS, type EventQueueOptions } from './EventQueue'
import { createMonitor } from './monitor'
import { openEventStore } from './openEventStore'
import type { GlobalScope } from './scope'
import { KEEPALIVE_LIMIT_BYTES } from './unloadBudget'
import type { SdkEvent } from './types'
import type { WireBatch } from './wire'

const schema = JSON.parse(readFileSync(new URL('../schema/batch.v1.json', import.meta.url), 'utf8'))
const validate = new Ajv2020({ allErrors: true }).compile(schema)

/** A realistic 10-field analytics event. */
function makeEvent(overrides: Partial<SdkEvent> = {}): SdkEvent {
  return {
    id: createId(),
    type: 'track',
    category: 'analytics',
    ts: Date.now(),
    sessionId: 'session-1',
    payload: {
      name: 'stroke',
      tool: 'pen',
      width: 2,
      color: '#222',
      points: 48,
      durationMs: 312,
      pressure: 0.7,
      layer: 3,
      zoom: 1.25,
      pan: false,
    },
    ...overrides,
  }
}

/**
 * One tab: the real network, IndexedDB and BroadcastChannel, the origin's Web Locks (as this tab's client),
 * and an event target of its own (online/offline/pagehide).
 */
function networkScope(navigator: Record<string, unknown> = {}, localStorage?: Storage, indexedDB?: unknown) {
  return createFakeScope({
    navigator: { locks: origin.client(), ...navigator },
    localStorage,
    overrides: {
      fetch: globalThis.fetch,
      AbortController,
      indexedDB: indexedDB ?? globalThis.indexedDB,
      console,
      BroadcastChannel,
      CompressionStream,
    },
  })
}

let collector: TestCollector
let queues: EventQueue[]
let origin: LockRegistry
let dbCount = 0
let storageName: string

function queue(options: EventQueueOptions = {}): EventQueue {
  const q = new EventQueue({
    endpoint: collector.endpoint,
    scope: networkScope(),
    storageName,
    retryBaseMs: 1,
    random: () => 1,
    ...options,
  })
  queues.push(q)
  return q
}

/** A tab that crashes: its Web Locks go, as when a renderer dies; the queue object is never stopped. */
function crashableTab(options: EventQueueOptions = {}) {
  const locks = origin.client()
  const q = new EventQueue({
    endpoint: collector.endpoint,
    scope: networkScope({ locks }),
    storageName,
    retryMaxMs: 3_600_000,
    retryBaseMs: 3_600_000,
    random: () => 1,
    ...options,
  })
  return { queue: q, crash: () => (locks as FakeLockManager).kill() }
}

/**
 * A tab whose page is closed: `close()` ends it as a renderer going away does, at once — its Web Locks go and
 * every IndexedDB transaction it had not finished is rolled back, so a write started from `pagehide` (or by an
 * event pushed after it) never lands, as measured in Chromium. It shares the origin's `localStorage`.
 */
function closableTab(localStorage: Storage, options: EventQueueOptions = {}) {
  const locks = origin.client()
  const unfinished = new Set<IDBTransaction>()
  let closed = false
  const indexedDB = {
    open(name: string, version?: number) {
      const request = globalThis.indexedDB.open(name, version)
      request.addEventListener('success', () => {
        const db = request.result
        const transaction = db.transaction.bind(db)
        db.transaction = ((...args: Parameters<IDBDatabase['transaction']>) => {
          if (closed) throw new DOMException('The page is gone.', 'InvalidStateError')
          const tx = transaction(...args)
          unfinished.add(tx)
          tx.addEventListener('complete', () => unfinished.delete(tx))
          // Committed when its requests are done (a later task), so a close in this task still rolls it back.
          tx.commit = () => {}
          return tx
        }) as IDBDatabase['transaction']
      })
      return request
    },
  }
  const scope = networkScope({ locks }, localStorage, indexedDB)
  const q = new EventQueue({
    endpoint: collector.endpoint,
    scope,
    storageName,
    retryMaxMs: 3_600_000,
    retryBaseMs: 3_600_000,
    random: () => 1,
    ...options,
  })
  const close = () => {
    closed = true
    for (const tx of unfinished) tx.abort()
    ;(locks as FakeLockManager).kill()
  }
  return { queue: q, scope, close }
}

/** The events in the origin's IndexedDB event store right now (from every stored chunk). */
async function storedRecords(): Promise<{ id: string; owner: string }[]> {
  return (await storedChunks()).flatMap((chunk) => chunk.events.map((event) => ({ id: event.id, owner: chunk.owner })))
}

/** The chunks in the origin's IndexedDB event store right now. */
async function storedChunks(): Promise<{ id: string; owner: string; events: { id: string }[] }[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(storageName)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  try {
    if (!db.objectStoreNames.contains('events')) return []
    return await new Promise((resolve, reject) => {
      const request = db.transaction('events').objectStore('events').getAll()
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
  } finally {
    db.close()
  }
}

/** Every batch the server stored must match the shipped JSON Schema. */
function expectValidBatches(): void {
  for (const request of collector.requests) {
    if (!validate(request.body)) throw new Error(`invalid batch: ${JSON.stringify(validate.errors)}`)
  }
}

beforeEach(async () => {
  collector = await startTestCollector()
  origin = createLockRegistry()
  queues = []
  storageName = `marco-test-${++dbCount}-${createId()}`
})

afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  for (const q of queues) await q.stop()
  await collector.close()
})

describe('EventQueue delivery against a real HTTP server', () => {
  it('delivers every event exactly once after the server answers 500 five times, then 200', async () => {
    collector.reply = (n) => (n < 5 ? { status: 500 } : { status: 200 })
    const q = queue()
    const ids = Array.from({ length: 30 }, () => {
      const event = makeEvent()
      q.push(event)
      return event.id
    })
    let result = await q.flush()
    for (let i = 0; i < 10 && result.pending; i++) {
      await new Promise((resolve) => setTimeout(resolve, 40))
      result = await q.flush()
    }
    // After POISON_ATTEMPTS answers of 500 in a row the batch is halved: two requests of 15 succeed.
    expect(collector.requests.map((r) => r.status)).toEqual([500, 500, 500, 500, 500, 200, 200])
    expect(collector.requests.slice(-2).map((r) => (r.body as WireBatch).events.length)).toEqual([15, 15])
    expect(collector.storedIds).toEqual(ids)
    expect(q.stats()).toMatchObject({ accepted: 30, sent: 30, dropped: 0, pending: 0 })
    expectValidBatches()
  })

  it('sends nothing before a 429 Retry-After of 2 s has passed, then delivers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    collector.reply = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 })
    const q = queue()
    const event = makeEvent()
    q.push(event)
    expect(await q.flush()).toEqual({ sent: 0, dropped: 0, pending: 1 })
    expect(collector.requests).toHaveLength(1)
    vi.advanceTimersByTime(1_999)
    expect(await q.flush()).toEqual({ sent: 0, dropped: 0, pending: 1 })
    expect(collector.requests).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(await q.flush()).toEqual({ sent: 1, dropped: 0, pending: 0 })
    expect(collector.requests.map((r) => r.status)).toEqual([429, 200])
    expect(collector.storedIds).toEqual([event.id])
  })

  it('retries on its own once the backoff is over, not at the next flush interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    collector.reply = (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 })
    const q = queue({ flushIntervalMs: 60_000 })
    const event = makeEvent()
    q.push(event)
    expect(await q.flush()).toEqual({ sent: 0, dropped: 0, pending: 1 })
    // Nothing more is asked of the queue: its own timer sends once the server's 2 s are over. (The push had set
    // the 60 s flush timer, and the retry waited for it.)
    await vi.advanceTimersByTimeAsync(2_000)
    await vi.waitFor(() => expect(collector.storedIds).toEqual([event.id]))
    expect(collector.requests.map((r) => r.status)).toEqual([429, 200])
  })

  it('retries at once when its backoff is over before the failed request is done with', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    collector.reply = (n) => (n === 0 ? { status: 503 } : { status: 200 })
    // Jitter of 0: the retry is due the moment the failure is counted.
    const q = queue({ flushIntervalMs: 2_000, random: () => 0 })
    const event = makeEvent()
    q.push(event)
    // The interval's own send fails; the retry follows within milliseconds, not one more interval later (it did,
    // about one time in two hundred in Chromium with jitter from 0 to 100 ms).
    await vi.advanceTimersByTimeAsync(2_000)
    await vi.waitFor(async () => {
      await vi.advanceTimersByTimeAsync(1)
      expect(collector.storedIds).toEqual([event.id])
    })
    expect(collector.requests.map((r) => r.status)).toEqual([503, 200])
  })

  it('honours Retry-After given as an HTTP date on 503', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    vi.setSystemTime(Date.UTC(2026, 10, 29, 12, 0, 0))
    const retryAt = new Date(Date.UTC(2026, 10, 29, 12, 0, 30)).toUTCString()
    collector.reply = (n) => (n === 0 ? { status: 503, headers: { 'retry-after': retryAt } } : { status: 200 })
    const q = queue()
    q.push(makeEvent())
    await q.flush()
    vi.advanceTimersByTime(29_000)
    expect((await q.flush()).sent).toBe(0)
    vi.advanceTimersByTime(1_000)
    expect((await q.flush()).sent).toBe(1)
  })

  it('holds everything while offline and delivers when the browser is online again', async () => {
    const scope = networkScope({ onLine: false })
    const q = queue({ scope })
    const ids = Array.from({ length: 10 }, () => {
      const event = makeEvent()
      q.push(event)
      return event.id
    })
    expect(await q.flush()).toEqual({ sent: 0, dropped: 0, pending: 10 })
    expect(collector.requests).toHaveLength(0)
    scope.dispatch('online')
    await vi.waitFor(() => expect(collector.storedIds).toEqual(ids))
  })

  it('sends after a reload what the previous page accepted but never delivered', async () => {
    collector.reply = () => 'network-error'
    const first = queue({ retryBaseMs: 60_000 })
    const ids = Array.from({ length: 20 }, () => {
      const event = makeEvent()
      first.push(event)
      return event.id
    })
    expect((await first.flush()).pending).toBe(20)
    await first.stop()
    collector.reply = () => ({ status: 200 })
    const second = queue()
    await vi.waitFor(async () => {
      await second.flush()
      expect(collector.storedIds).toEqual(ids)
    })
  })

  it("hands a crashed tab's events to the next page load at once, with no lease to wait for", async () => {
    collector.reply = () => 'network-error'
    const crashed = crashableTab()
    const event = makeEvent()
    crashed.queue.push(event)
    // The failed attempt writes the event at once.
    await crashed.queue.flush()
    collector.reply = () => ({ status: 200 })
    const whileAlive = queue()
    expect((await whileAlive.flush()).sent).toBe(0)
    crashed.crash()
    const next = queue()
    await vi.waitFor(async () => {
      await next.flush()
      await whileAlive.flush()
      expect(collector.storedIds).toEqual([event.id])
    })
  })

  it('has an open tab send the events of a tab that crashed, as soon as its lock is released', async () => {
    const survivor = queue()
    // Started after the survivor: the survivor hears of it on the origin's BroadcastChannel.
    collector.reply = () => 'network-error'
    const crashed = crashableTab()
    const events = Array.from({ length: 40 }, () => makeEvent())
    for (const event of events) crashed.queue.push(event)
    await crashed.queue.flush()
    expect(collector.storedIds).toEqual([])
    collector.reply = () => ({ status: 200 })
    crashed.crash()
    // Nothing is flushed by hand: the survivor's lock request is granted and it claims and sends on its own.
    await vi.waitFor(() => expect(collector.storedIds).toEqual(events.map((event) => event.id)))
    expect(survivor.stats()).toMatchObject({ sent: 40, pending: 0 })
  })

  it('never sends an event twice when two tabs share one store, orphans included', async () => {
    collector.reply = () => 'network-error'
    const dead = crashableTab()
    const orphans = Array.from({ length: 300 }, () => makeEvent())
    for (const event of orphans) dead.queue.push(event)
    await dead.queue.flush()
    dead.crash()
    collector.reply = () => ({ status: 200 })
    const tabA = queue({ maxBatchEvents: 50 })
    const tabB = queue({ maxBatchEvents: 50 })
    const fresh = Array.from({ length: 1_000 }, () => makeEvent())
    fresh.forEach((event, i) => (i % 2 ? tabA : tabB).push(event))
    await Promise.all([tabA.flush(), tabB.flush()])
    await Promise.all([tabA.flush(), tabB.flush()])
    const expected = [...orphans, ...fresh].map((event) => event.id).sort()
    expect([...collector.storedIds].sort()).toEqual(expected)
    expect(new Set(collector.storedIds).size).toBe(collector.storedIds.length)
    await Promise.all([tabA.stop(), tabB.stop()])
    expect(await storedRecords()).toEqual([])
  })

  it('falls back to memory when IndexedDB is over quota and loses nothing in this page', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    })
    collector.reply = () => 'network-error'
    const q = queue()
    const ids = Array.from({ length: 50 }, () => {
      const event = makeEvent()
      q.push(event)
      return event.id
    })
    await q.flush()
    await vi.waitFor(() => expect(q.stats().storage).toBe('memory'))
    collector.reply = () => ({ status: 200 })
    await vi.waitFor(async () => {
      await q.flush()
      expect(collector.storedIds).toEqual(ids)
    })
  })

  it('sends an event of exactly the largest accepted size, and never an empty request', async () => {
    // maxBatchBytes 8 KiB: the largest event is 4 KiB of JSON (4 KiB stay for the envelope).
    const q = queue({ maxBatchBytes: 8 * 1024 })
    const base = makeEvent()
    const { id, type, category, ts, sessionId } = base
    const json = (pad: string) => JSON.stringify({ id, type, category, ts, sessionId, payload: { pad } })
    const pad = 'x'.repeat(4 * 1024 - json('').length)
    expect(json(pad).length).toBe(4 * 1024)
    const largest = { ...base, payload: { pad } }
    const events = [makeEvent(), largest, makeEvent()]
    for (const event of events) q.push(event)
    expect(await q.flush()).toEqual({ sent: 3, dropped: 0, pending: 0 })
    expect(collector.storedIds).toEqual(events.map((event) => event.id))
    expect(collector.requests.map((r) => (r.body as WireBatch).events.length)).toEqual([1, 1, 1])
  })

  it('sends one event per request for a transport that names no room at all, rather than empty requests', async () => {
    const transport = createHttpTransport({ url: collector.endpoint, scope: networkScope() })
    const q = queue({ transport: { send: transport.send, maxBatchEvents: -1 } })
    const events = [makeEvent(), makeEvent()]
    for (const event of events) q.push(event)
    expect(await q.flush()).toEqual({ sent: 2, dropped: 0, pending: 0 })
    expect(collector.requests.map((r) => (r.body as WireBatch).events.length)).toEqual([1, 1])
  })

  it.each([0, Number.NaN])('takes a transport maxBatchEvents of %s as naming no bound: one request', async (bound) => {
    const transport = createHttpTransport({ url: collector.endpoint, scope: networkScope() })
    const q = queue({ transport: { send: transport.send, maxBatchEvents: bound } })
    const events = [makeEvent(), makeEvent(), makeEvent()]
    for (const event of events) q.push(event)
    expect(await q.flush()).toEqual({ sent: 3, dropped: 0, pending: 0 })
    expect(collector.requests.map((r) => (r.body as WireBatch).events.length)).toEqual([3])
  })

  it('sends an event stored under larger limits than its next queue has, on its own, rather than stalling', async () => {
    collector.reply = () => 'network-error'
    const first = queue()
    const large = makeEvent({ payload: { pad: 'x'.repeat(20_000) } })
    const small = makeEvent()
    first.push(large)
    first.push(small)
    await first.flush()
    await first.stop()
    collector.reply = () => ({ status: 200 })
    const next = queue({ maxBatchBytes: 8 * 1024 })
    expect(await next.flush()).toMatchObject({ sent: 2, pending: 0 })
    expect(new Set(collector.storedIds)).toEqual(new Set([large.id, small.id]))
    expect(collector.requests.filter((r) => r.status === 200).map((r) => (r.body as WireBatch).events.length)).toEqual([
      1, 1,
    ])
  })

  it('drops and counts one 200 KB event among 1,000 small ones, which all arrive', async () => {
    const q = queue()
    const ids: string[] = []
    for (let i = 0; i < 1_000; i++) {
      const event = makeEvent()
      ids.push(event.id)
      q.push(event)
      if (i === 500) q.push(makeEvent({ payload: { blob: 'x'.repeat(200_000) } }))
    }
    const result = await q.flush()
    expect(result).toEqual({ sent: 1_000, dropped: 1, pending: 0 })
    expect(collector.storedIds).toEqual(ids)
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'too_large', count: 1 }])
    for (const request of collector.requests) expect(request.bytes).toBeLessThanOrEqual(60 * 1024)
    expectValidBatches()
  })

  it('stays within its bounds under 100,000 events with the server down, and reports every drop', async () => {
    collector.reply = () => 'network-error'
    const q = queue({ storage: false, maxQueueEvents: 1_000, maxBatchEvents: 100 })
    const events = Array.from({ length: 100_000 }, () => makeEvent())
    let most = 0
    for (const event of events) {
      q.push(event)
      most = Math.max(most, q.stats().pending)
    }
    // The bound, plus at most one batch pushed in this task and not processed yet.
    expect(most).toBeLessThanOrEqual(1_000 + 100)
    await q.flush()
    expect(q.stats()).toMatchObject({ accepted: 100_000, pending: 1_000, dropped: 99_000 })
    collector.reply = () => ({ status: 200 })
    await vi.waitFor(async () => {
      await q.flush()
      expect(collector.storedIds).toEqual(events.slice(-1_000).map((event) => event.id))
    })
    const reported = collector.dropped.reduce((sum, drop) => sum + drop.count, 0)
    expect(collector.dropped.every((drop) => drop.reason === 'queue_full')).toBe(true)
    expect(reported + collector.storedIds.length).toBe(100_000)
  })

  it('drops a batch the server refuses with 400 and counts it with its status', async () => {
    collector.reply = (n) => (n === 0 ? { status: 400 } : { status: 200 })
    const q = queue()
    q.push(makeEvent())
    q.push(makeEvent())
    expect(await q.flush()).toEqual({ sent: 0, dropped: 2, pending: 0 })
    q.push(makeEvent())
    await q.flush()
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'rejected', count: 2, status: 400 }])
  })

  it('writes what waits when stopped, and the next queue of the origin sends it', async () => {
    collector.reply = () => 'network-error'
    const q = queue({ retryBaseMs: 60_000, persistIntervalMs: 3_600_000 })
    const event = makeEvent()
    q.push(event)
    await q.stop()
    await q.stop()
    expect(() => q.push(makeEvent())).not.toThrow()
    expect((await storedRecords()).map((record) => record.id)).toEqual([event.id])
    collector.reply = () => ({ status: 200 })
    await queue().flush()
    expect(collector.storedIds).toEqual([event.id])
  })
})

describe('EventQueue write-behind storage', () => {
  it('writes at most once per persistIntervalMs, however many events arrive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const writes = vi.spyOn(IDBDatabase.prototype, 'transaction')
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put')
    // A server that never answers: every event waits (the first 256 KiB of them in flight).
    const q = queue({
      transport: recordingTransport().transport,
      flushIntervalMs: 3_600_000,
      maxBatchEvents: 10_000,
      persistIntervalMs: 1_000,
    })
    await vi.advanceTimersByTimeAsync(0)
    await q.flush()
    const before = writes.mock.calls.length
    // One event per 16 ms frame for 5 s: 312 events.
    for (let frame = 0; frame < 312; frame++) {
      q.push(makeEvent())
      await vi.advanceTimersByTimeAsync(16)
    }
    await vi.advanceTimersByTimeAsync(1_000)
    await q.stop()
    const transactions = writes.mock.calls.length - before
    expect(transactions).toBe(5)
    // One plain record per write, not one per event.
    expect(puts).toHaveBeenCalledTimes(5)
    expect(await storedChunks()).toHaveLength(5)
    expect(await storedRecords()).toHaveLength(312)
  })

  it('splits a large write into records below the size browsers store out of line, all in one transaction', async () => {
    const writes = vi.spyOn(IDBDatabase.prototype, 'transaction')
    const q = queue({
      transport: recordingTransport().transport,
      flushIntervalMs: 3_600_000,
      persistIntervalMs: 60_000,
    })
    await q.flush()
    const before = writes.mock.calls.length
    // 3,000 events of ~300 JSON characters written at once (by a page being closed): ~900,000 characters.
    const ids = Array.from({ length: 3_000 }, () => {
      const event = makeEvent({ payload: { pad: 'x'.repeat(250) } })
      q.push(event)
      return event.id
    })
    await Promise.resolve()
    q.hide()
    await q.stop()
    expect(writes.mock.calls.length - before).toBe(1)
    const chunks = (await storedChunks()) as unknown as { events: { id: string; json: string }[] }[]
    expect(chunks.length).toBeGreaterThan(20)
    for (const chunk of chunks) {
      expect(chunk.events.reduce((sum, event) => sum + event.json.length, 0)).toBeLessThanOrEqual(30_000)
    }
    expect(chunks.flatMap((chunk) => chunk.events.map((event) => event.id)).sort()).toEqual(ids.sort())
  })

  it('never writes events that are delivered before their write is due, and leaves the store empty', async () => {
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put')
    const q = queue({ maxBatchEvents: 10, persistIntervalMs: 60_000 })
    for (let i = 0; i < 50; i++) q.push(makeEvent())
    expect(await q.flush()).toEqual({ sent: 50, dropped: 0, pending: 0 })
    await q.stop()
    expect(puts).not.toHaveBeenCalled()
    expect(await storedRecords()).toEqual([])
  })

  it('removes delivered events that were written, in the next write, not one by one', async () => {
    collector.reply = () => 'network-error'
    const q = queue({ persistIntervalMs: 60_000 })
    const events = Array.from({ length: 30 }, () => makeEvent())
    for (const event of events) q.push(event)
    await q.flush()
    expect(await storedRecords()).toHaveLength(30)
    collector.reply = () => ({ status: 200 })
    const writes = vi.spyOn(IDBDatabase.prototype, 'transaction')
    await q.resume()
    await q.stop()
    expect(writes).toHaveBeenCalledTimes(1)
    expect(collector.storedIds).toEqual(events.map((event) => event.id))
    expect(await storedRecords()).toEqual([])
  })
  it('takes a purged category out of storage at once, keeping the rest of its chunks', async () => {
    collector.reply = () => 'network-error'
    const q = queue({ retryBaseMs: 60_000, persistIntervalMs: 60_000 })
    const kept = [
      makeEvent({ category: 'crash', type: 'exception' }),
      makeEvent({ category: 'crash', type: 'exception' }),
    ]
    q.push(makeEvent())
    q.push(kept[0]!)
    q.push(makeEvent())
    q.push(kept[1]!)
    await q.flush()
    expect(await storedRecords()).toHaveLength(4)
    q.purge('analytics')
    await q.flush()
    expect((await storedRecords()).map((record) => record.id)).toEqual(kept.map((event) => event.id))
  })
})

describe('EventQueue closed while its last writes are on their way', () => {
  it('loses nothing a page accepted before and after its pagehide when those writes never land', async () => {
    collector.reply = () => 'network-error'
    const storage = createMemoryStorage()
    const tab = closableTab(storage)
    const scope = tab.scope
    const early = Array.from({ length: 30 }, () => makeEvent())
    for (const event of early) tab.queue.push(event)
    // A failed attempt: these 30 are written, and the write lands.
    await tab.queue.flush()
    expect(await storedRecords()).toHaveLength(30)
    const late = Array.from({ length: 20 }, () => makeEvent())
    const afterHide = Array.from({ length: 10 }, () => makeEvent())
    for (const event of late) tab.queue.push(event)
    // A listener of the app's that runs after the queue's own pushes 10 more.
    scope.addEventListener!('pagehide', () => afterHide.forEach((event) => tab.queue.push(event)))
    scope.dispatch('pagehide', { persisted: false })
    await Promise.resolve()
    tab.close()
    // Neither the write started from pagehide nor the one for the later 10 landed.
    expect(await storedRecords()).toHaveLength(30)
    collector.reply = () => ({ status: 200 })
    const next = queue({ scope: networkScope({}, storage) })
    const expected = [...early, ...late, ...afterHide].map((event) => event.id).sort()
    await vi.waitFor(async () => {
      await next.flush()
      expect([...collector.storedIds].sort()).toEqual(expected)
    })
    // Each once: the copy of what was in IndexedDB too is not queued twice.
    expect(next.stats()).toMatchObject({ sent: 60, dropped: 0, pending: 0 })
    // Taken over: the copy is gone, and so is what was stored.
    expect(storage.length).toBe(0)
    await next.stop()
    expect(await storedRecords()).toEqual([])
  })

  it('sends what it takes from a closed page’s copy at once, as it does stored events, not after its flush interval', async () => {
    collector.reply = () => 'network-error'
    const storage = createMemoryStorage()
    const tab = closableTab(storage)
    const events = [makeEvent(), makeEvent()]
    for (const event of events) tab.queue.push(event)
    tab.scope.dispatch('pagehide', { persisted: false })
    await Promise.resolve()
    tab.close()
    // Its keepalive request failed (the server was down) and its write from pagehide never landed: only the copy
    // holds them.
    await vi.waitFor(() => expect(collector.requests).toHaveLength(1))
    expect(await storedRecords()).toEqual([])
    collector.reply = () => ({ status: 200 })
    // Nothing asks the next page's queue to flush: it sends what it took over long before its minute is up.
    const next = queue({ scope: networkScope({}, storage), flushIntervalMs: 60_000 })
    await vi.waitFor(() => expect([...collector.storedIds].sort()).toEqual(events.map((event) => event.id).sort()), {
      timeout: 5_000,
    })
    expect(next.stats()).toMatchObject({ sent: 2, pending: 0 })
  })

  it('makes its copy before anything else its pagehide does: torn down at its first send, it loses nothing', async () => {
    const storage = createMemoryStorage()
    let copyAtFirstSend: string | null | undefined
    const tab = closableTab(storage, {
      transport: {
        send: async (_batch, { unloading }) => {
          if (!unloading) return { result: 'retry' }
          // The page goes away here, as a closing tab under load does in the middle of its handler.
          copyAtFirstSend ??= Object.keys(storage).length ? storage.getItem(Object.keys(storage)[0]!) : null
          tab.close()
          return new Promise<never>(() => {})
        },
      },
    })
    // Stored first (the open and the first claim), so the close is what loses the write.
    await tab.queue.flush()
    const events = Array.from({ length: 20 }, () => makeEvent())
    for (const event of events) tab.queue.push(event)
    tab.scope.dispatch('pagehide', { persisted: false })
    // The copy already held every event when the handler made its first request.
    expect(JSON.parse(copyAtFirstSend ?? '[]').map((event: SdkEvent) => event.id)).toEqual(events.map((e) => e.id))
    const next = queue({ scope: networkScope({}, storage) })
    await vi.waitFor(async () => {
      await next.flush()
      expect([...collector.storedIds].sort()).toEqual(events.map((event) => event.id).sort())
    })
  })

  it('has the copy taken by one of two pages that start at once, each event sent once', async () => {
    collector.reply = () => 'network-error'
    const storage = createMemoryStorage()
    const tab = closableTab(storage)
    // A failed attempt: backing off, so the page's close sends nothing (a request in flight would land twice).
    const first = makeEvent()
    tab.queue.push(first)
    await tab.queue.flush()
    const events = [first, ...Array.from({ length: 40 }, () => makeEvent())]
    for (const event of events.slice(1)) tab.queue.push(event)
    tab.scope.dispatch('pagehide', { persisted: false })
    tab.close()
    collector.reply = () => ({ status: 200 })
    // Two tabs of the origin open together: both claim, under the one claim lock.
    const a = queue({ scope: networkScope({}, storage) })
    const b = queue({ scope: networkScope({}, storage) })
    await vi.waitFor(async () => {
      await Promise.all([a.flush(), b.flush()])
      expect([...collector.storedIds].sort()).toEqual(events.map((event) => event.id).sort())
    })
    await Promise.all([a.flush(), b.flush()])
    expect(collector.storedIds).toHaveLength(41)
    expect(a.stats().sent + b.stats().sent).toBe(41)
    expect(storage.length).toBe(0)
  })

  it('keeps the copy only while writes are on their way, and never with storage off', async () => {
    collector.reply = () => 'network-error'
    const storage = createMemoryStorage()
    const q = queue({ scope: networkScope({}, storage), retryBaseMs: 60_000 })
    await q.flush()
    const events = Array.from({ length: 5 }, () => makeEvent())
    for (const event of events) q.push(event)
    q.hide(true)
    // At once, synchronously: a copy of the 5 whose write has only started.
    const [key] = Object.keys(storage)
    expect(key).toMatch(new RegExp(`^${storageName}:`))
    expect(JSON.parse(storage.getItem(key!)!).map((event: SdkEvent) => event.id)).toEqual(events.map((e) => e.id))
    // The write lands: the copy goes, though the page is still hidden.
    await vi.waitFor(() => expect(storage.length).toBe(0))
    expect(await storedRecords()).toHaveLength(5)
    // A purge while hidden takes the category out of the copy at once.
    q.push(makeEvent())
    q.push(makeEvent({ category: 'crash', type: 'exception' }))
    await Promise.resolve()
    expect(JSON.parse(storage.getItem(key!)!)).toHaveLength(2)
    q.purge('analytics')
    expect(JSON.parse(storage.getItem(key!)!).map((event: SdkEvent) => event.category)).toEqual(['crash'])
    // Visible again: the copy goes at once.
    q.hide(false)
    expect(storage.length).toBe(0)

    const memoryOnly = createMemoryStorage()
    const off = queue({ scope: networkScope({}, memoryOnly), storage: false })
    off.push(makeEvent())
    off.hide(true)
    off.push(makeEvent())
    await Promise.resolve()
    expect(memoryOnly.length).toBe(0)
  })

  it('takes over only the copies of queues that are gone, and a bad copy costs only itself', async () => {
    const storage = createMemoryStorage()
    const good = makeEvent()
    const dead = (name: string) => `${storageName}:${name}`
    storage.setItem(dead('truncated'), '[{"id":"')
    storage.setItem(dead('not-a-list'), '{"events":[]}')
    storage.setItem(dead('mixed'), JSON.stringify([1, null, { id: 'only-an-id' }, good]))
    storage.setItem('the-app', 'its own value')
    // A live queue's copy (its lock is held) stays where it is.
    const live = origin.client()
    void live.request(dead('live'), () => new Promise(() => {}))
    storage.setItem(dead('live'), JSON.stringify([makeEvent()]))
    const warn = vi.fn()
    const q = queue({
      debug: true,
      scope: createFakeScope({
        navigator: { locks: origin.client() },
        localStorage: storage,
        overrides: {
          fetch: globalThis.fetch,
          AbortController,
          indexedDB: globalThis.indexedDB,
          BroadcastChannel,
          console: { warn },
        },
      }),
    })
    await vi.waitFor(async () => {
      await q.flush()
      expect(collector.storedIds).toEqual([good.id])
    })
    expect((collector.requests[0]!.body as WireBatch).dropped).toEqual([
      { category: 'analytics', reason: 'invalid', count: 3 },
    ])
    expect(Object.keys(storage).sort()).toEqual([dead('live'), 'the-app'])
    expect(warn.mock.calls.filter(([message]) => String(message).includes('unreadable spill'))).toHaveLength(1)
    expectValidBatches()
  })
  it('goes on without a copy where localStorage is blocked, reporting no error', async () => {
    const onError = vi.fn()
    const scope = networkScope()
    Object.defineProperty(scope, 'localStorage', {
      get: () => {
        throw new DOMException('Access is denied for this document.', 'SecurityError')
      },
    })
    const q = queue({ scope, monitor: createMonitor({ onError }) })
    const event = makeEvent()
    q.push(event)
    q.hide(true)
    q.hide(false)
    expect(await q.flush()).toMatchObject({ sent: 1, pending: 0 })
    expect(collector.storedIds).toEqual([event.id])
    expect(onError).not.toHaveBeenCalled()
  })
})

describe('EventQueue against hostile input and a failing server', () => {
  it('costs exactly one counted event for an event whose getters throw', async () => {
    const q = queue()
    const throwing = makeEvent()
    Object.defineProperty(throwing, 'category', {
      get() {
        throw new Error('hostile getter')
      },
    })
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('hostile proxy')
        },
      },
    ) as SdkEvent
    const good = Array.from({ length: 6 }, () => makeEvent())
    for (const event of [...good.slice(0, 3), throwing, proxy, ...good.slice(3)]) q.push(event)
    await q.flush()
    expect(q.stats()).toMatchObject({ accepted: 8, sent: 6, dropped: 2, pending: 0 })
    q.push(makeEvent())
    await q.flush()
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'invalid', count: 2 }])
  })

  it(`splits a batch the server keeps failing on with 500, drops the one event it fails on after ${POISON_ATTEMPTS} tries, delivers the rest`, async () => {
    const poison = makeEvent({ type: 'performance_issue', payload: { metric: { value: { toString: 1 } } } })
    collector.reply = (_n, body) =>
      (body as WireBatch).events.some((event) => event.id === poison.id) ? { status: 500 } : { status: 200 }
    const q = queue({ retryMaxMs: 5 })
    q.push(poison)
    const good = Array.from({ length: 20 }, () => makeEvent())
    for (const event of good) q.push(event)
    for (let i = 0; i < 100 && q.stats().pending; i++) {
      await q.flush()
      await new Promise((resolve) => setTimeout(resolve, 6))
    }
    expect(collector.storedIds).toEqual(good.map((event) => event.id))
    expect(q.stats()).toMatchObject({ accepted: 21, sent: 20, dropped: 1, pending: 0 })
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'rejected', count: 1, status: 500 }])
    // Halved from 21 down to the single event, four tries at each size.
    expect(collector.requests.filter((request) => request.status === 500).length).toBe(POISON_ATTEMPTS * 6)
  })

  it('never splits or drops while the server is unreachable (502, 503, 504, network errors)', async () => {
    const replies = [{ status: 502 }, { status: 503 }, { status: 504 }, 'network-error'] as const
    collector.reply = (n) => (n < 40 ? replies[n % 4]! : { status: 200 })
    const q = queue({ retryMaxMs: 2 })
    const events = Array.from({ length: 30 }, () => makeEvent())
    for (const event of events) q.push(event)
    for (let i = 0; i < 200 && q.stats().pending; i++) {
      await q.flush()
      await new Promise((resolve) => setTimeout(resolve, 3))
    }
    expect(collector.storedIds).toEqual(events.map((event) => event.id))
    expect(collector.requests.every((request) => (request.body as WireBatch).events.length === 30)).toBe(true)
    expect(q.stats().dropped).toBe(0)
  })
})

describe('EventQueue compression', () => {
  it('gzips a batch of 1 KiB or more, named in the URL, and sends a small one as it is', async () => {
    const q = queue()
    const events = Array.from({ length: 50 }, () => makeEvent())
    for (const event of events) q.push(event)
    await q.flush()
    const single = makeEvent()
    q.push(single)
    await q.flush()
    const [big, small] = collector.requests
    expect(big!.encoding).toBe('gzip')
    expect((big!.body as WireBatch).events.map((event) => event.id)).toEqual(events.map((event) => event.id))
    expect(big!.bytes).toBeLessThan(JSON.stringify(big!.body).length / 4)
    expect(small!.encoding).toBeUndefined()
    expect(collector.storedIds).toEqual([...events, single].map((event) => event.id))
    expectValidBatches()
  })

  it('sends uncompressed on page hide, where the request must start synchronously', async () => {
    const scope = networkScope()
    const q = queue({ scope })
    await q.flush()
    for (let i = 0; i < 50; i++) q.push(makeEvent())
    scope.dispatch('pagehide', { persisted: false })
    await vi.waitFor(() => expect(collector.storedIds).toHaveLength(50))
    expect(collector.requests.map((request) => request.encoding)).toEqual([undefined])
  })
})

/** A transport that records what it is asked to send and never answers until told. */
function recordingTransport() {
  const calls: { batch: WireBatch; options: SendOptions }[] = []
  const pending: ((value: { result: 'sent' }) => void)[] = []
  const transport: Transport = {
    send: (batch, options) => {
      calls.push({ batch, options })
      return new Promise((resolve) => pending.push(resolve))
    },
  }
  return { transport, calls, settleAll: () => pending.splice(0).forEach((resolve) => resolve({ result: 'sent' })) }
}

describe('EventQueue batching and page lifecycle', () => {
  function localQueue(options: EventQueueOptions & { scope?: GlobalScope }) {
    const q = new EventQueue({ storage: false, scope: createFakeScope(), ...options })
    queues.push(q)
    return q
  }

  it('splits batches by count', async () => {
    const q = localQueue({ endpoint: collector.endpoint, maxBatchEvents: 10, scope: networkScope() })
    for (let i = 0; i < 25; i++) q.push(makeEvent())
    await q.flush()
    expect(collector.requests.map((r) => (r.body as WireBatch).events.length)).toEqual([10, 10, 5])
  })

  it('cuts batches by bytes by default, not at a small count: 150 events reach the server in one request', async () => {
    const q = localQueue({ endpoint: collector.endpoint, scope: networkScope() })
    for (let i = 0; i < 150; i++) q.push(makeEvent())
    await q.flush()
    expect(collector.requests.map((r) => (r.body as WireBatch).events.length)).toEqual([150])
    // 256 KiB of JSON fills one (about 400 of these): then batches follow each other, none above it.
    for (let i = 0; i < 1_000; i++) q.push(makeEvent({ payload: { name: 'stroke', note: 'x'.repeat(400) } }))
    await q.flush()
    const sizes = collector.requests.slice(1).map((r) => (r.body as WireBatch).events.length)
    expect(sizes.reduce((sum, n) => sum + n, 0)).toBe(1_000)
    expect(sizes.length).toBe(3)
    const largest = Math.max(...collector.requests.map((r) => Buffer.byteLength(JSON.stringify(r.body))))
    expect(largest).toBeGreaterThan(200 * 1024)
    expect(largest).toBeLessThanOrEqual(256 * 1024)
  })

  it('sends only full batches when the queue fills up; the rest waits for companions or the interval', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const { transport, calls, settleAll } = recordingTransport()
    const q = localQueue({ transport, maxBatchEvents: 10, flushIntervalMs: 5_000 })
    // One task pushes 13: a full batch goes at once, the other 3 do not follow in a request of their own.
    const first = Array.from({ length: 13 }, () => makeEvent())
    for (const event of first) q.push(event)
    await vi.advanceTimersByTimeAsync(1)
    settleAll()
    await vi.advanceTimersByTimeAsync(1)
    settleAll()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls.map((call) => call.batch.events.length)).toEqual([10])
    // Companions fill the next batch, the oldest first.
    const second = Array.from({ length: 7 }, () => makeEvent())
    for (const event of second) q.push(event)
    await vi.advanceTimersByTimeAsync(1)
    settleAll()
    expect(calls.map((call) => call.batch.events.map((event) => event.id))).toEqual([
      first.slice(0, 10).map((event) => event.id),
      [...first.slice(10), ...second].map((event) => event.id),
    ])
    // Without companions, the interval sends what is left.
    q.push(makeEvent())
    await vi.advanceTimersByTimeAsync(5_001)
    settleAll()
    expect(calls.map((call) => call.batch.events.length)).toEqual([10, 10, 1])
  })

  it('does not chase events that arrive while a request is in flight with requests of a few events', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const { transport, calls, settleAll } = recordingTransport()
    const q = localQueue({ transport, maxBatchEvents: 10, flushIntervalMs: 5_000 })
    for (let i = 0; i < 10; i++) q.push(makeEvent())
    await vi.advanceTimersByTimeAsync(1)
    expect(calls.map((call) => call.batch.events.length)).toEqual([10])
    for (let i = 0; i < 3; i++) q.push(makeEvent())
    await vi.advanceTimersByTimeAsync(1)
    settleAll()
    await vi.advanceTimersByTimeAsync(4_000)
    // The three wait for companions (or the interval), as any other event does.
    expect(calls).toHaveLength(1)
    for (let i = 0; i < 7; i++) q.push(makeEvent())
    await vi.advanceTimersByTimeAsync(1)
    expect(calls.map((call) => call.batch.events.length)).toEqual([10, 10])
    settleAll()
    q.push(makeEvent())
    await vi.advanceTimersByTimeAsync(5_001)
    expect(calls.map((call) => call.batch.events.length)).toEqual([10, 10, 1])
  })

  it('sends on a timer once flushIntervalMs has passed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const { transport, calls } = recordingTransport()
    const q = localQueue({ transport, flushIntervalMs: 5_000 })
    q.push(makeEvent())
    // Checked and queued at the end of the task that pushed it.
    await Promise.resolve()
    vi.advanceTimersByTime(4_999)
    expect(calls).toHaveLength(0)
    vi.advanceTimersByTime(1)
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    expect(calls[0]!.options.unloading).toBe(false)
  })

  it('flushes on pagehide with keepalive, every body and their sum within the 64 KiB budget', () => {
    const scope = createFakeScope()
    const { transport, calls } = recordingTransport()
    const q = localQueue({ transport, scope, maxBatchEvents: 1_000 })
    for (let i = 0; i < 400; i++) q.push(makeEvent({ payload: { text: 'y'.repeat(1_000) } }))
    scope.dispatch('pagehide', { persisted: false })
    expect(calls.length).toBeGreaterThan(0)
    const sizes = calls.map((call) => Buffer.byteLength(call.options.body))
    expect(calls.every((call) => call.options.unloading)).toBe(true)
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(KEEPALIVE_LIMIT_BYTES)
    // What did not fit waits for the next page load (it is in storage) or for the page to come back.
    expect(q.stats().pending).toBe(400)
  })

  it('sends at once what is pushed after its own hide handler ran (a later listener of the same event)', async () => {
    const scope = createFakeScope()
    const { transport, calls } = recordingTransport()
    const q = localQueue({ transport, scope })
    scope.addEventListener!('pagehide', () => q.push(makeEvent({ type: 'late_summary' })))
    scope.dispatch('pagehide', { persisted: false })
    // No timer runs after a page is gone: it must not wait for one.
    await Promise.resolve()
    expect(calls).toHaveLength(1)
    expect(calls[0]!.options.unloading).toBe(true)
    expect(calls[0]!.batch.events.map((event) => event.type)).toEqual(['late_summary'])
  })

  it('is told of hiding by its page when it runs in a worker (no page events of its own)', async () => {
    const { transport, calls } = recordingTransport()
    const q = localQueue({ transport, scope: createFakeScope() })
    q.push(makeEvent())
    q.hide(true)
    expect(calls.map((call) => call.options.unloading)).toEqual([true])
    q.push(makeEvent())
    await Promise.resolve()
    expect(calls.map((call) => call.options.unloading)).toEqual([true, true])
    q.hide(false)
    q.push(makeEvent())
    await Promise.resolve()
    // Visible again: back to batching on the timer.
    expect(calls).toHaveLength(2)
  })

  it('flushes when the document becomes hidden, and only then', () => {
    const document = Object.assign(new EventTarget(), { visibilityState: 'visible' }) as unknown as Document
    const scope = createFakeScope({ overrides: { document } })
    const { transport, calls } = recordingTransport()
    localQueue({ transport, scope }).push(makeEvent())
    document.dispatchEvent(new Event('visibilitychange'))
    expect(calls).toHaveLength(0)
    ;(document as { visibilityState: string }).visibilityState = 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
    expect(calls).toHaveLength(1)
    expect(calls[0]!.options.unloading).toBe(true)
  })

  it('counts invalid and unserializable events and never throws from push', async () => {
    const { transport, calls, settleAll } = recordingTransport()
    const q = localQueue({ transport })
    const cyclic: Record<string, unknown> = { big: 10n }
    cyclic.self = cyclic
    expect(() => {
      q.push(undefined as never)
      q.push({ type: 'x' } as never)
      q.push(makeEvent({ payload: cyclic }))
      q.push(makeEvent({ payload: { ok: true } }))
    }).not.toThrow()
    const flushing = q.flush()
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    settleAll()
    await flushing
    const sent = calls[0]!.batch
    expect(sent.events).toHaveLength(1)
    expect(sent.events[0]!.payload).toEqual({ ok: true })
    expect(sent.dropped).toEqual([
      { category: 'analytics', reason: 'invalid', count: 2 },
      { category: 'analytics', reason: 'unserializable', count: 1 },
    ])
  })

  it('purges a category when consent is revoked and counts it', async () => {
    const { transport, calls, settleAll } = recordingTransport()
    const q = localQueue({ transport })
    q.push(makeEvent())
    q.push(makeEvent({ category: 'crash', type: 'exception' }))
    q.purge('analytics')
    const flushing = q.flush()
    await vi.waitFor(() => expect(calls).toHaveLength(1))
    settleAll()
    await flushing
    expect(calls[0]!.batch.events.map((event) => event.category)).toEqual(['crash'])
    expect(calls[0]!.batch.dropped).toEqual([{ category: 'analytics', reason: 'consent_revoked', count: 1 }])
  })

  it('keeps working without an endpoint, holding events and warning once in debug mode', async () => {
    const warn = vi.fn()
    const q = localQueue({ debug: true, scope: createFakeScope({ overrides: { console: { warn, debug: warn } } }) })
    q.push(makeEvent())
    expect((await q.flush()).pending).toBe(1)
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain('no endpoint')
  })
})

// Found by a hostile review of the pipeline; each of these failed before its fix.

describe('consent revoked while a batch is in flight', () => {
  it('never sends an event of a purged category on the retry of the batch that was in flight when consent was revoked', async () => {
    const q = queue()
    const analytics = makeEvent()
    const crash = makeEvent({ category: 'crash', type: 'exception', payload: {} })
    collector.reply = (n) => {
      // The user revokes analytics consent while the first request is on the wire; the server then fails it.
      if (n === 0) {
        q.purge('analytics')
        return { status: 503 }
      }
      return { status: 200 }
    }
    q.push(analytics)
    q.push(crash)
    await vi.waitFor(
      async () => {
        await q.flush()
        expect(q.stats().pending).toBe(0)
      },
      { timeout: 10_000 },
    )
    expect(collector.storedIds).toContain(crash.id)
    // README: purge "removes a category's waiting events from memory and storage at once (consent revoked)".
    expect(collector.storedIds).not.toContain(analytics.id)
  })

  it('never writes an event of a purged category to IndexedDB after consent was revoked', async () => {
    const q = queue({ retryBaseMs: 3_600_000 })
    const analytics = makeEvent()
    collector.reply = () => {
      q.purge('analytics')
      return { status: 503 }
    }
    q.push(analytics)
    await q.flush()
    await q.flush()
    expect((await storedChunks()).flatMap((chunk) => chunk.events.map((event) => event.id))).not.toContain(analytics.id)
  })
})

describe('clock behind the events adopted from an earlier page', () => {
  it('sends no empty requests (and delivers) when a new event is older by the clock than adopted ones', async () => {
    // The earlier page ran with its clock an hour ahead (or the system clock was set back since).
    collector.reply = () => 'network-error'
    const first = queue({ clock: { now: () => Date.now() + 3_600_000 }, retryBaseMs: 60_000 })
    const old = makeEvent()
    first.push(old)
    expect((await first.flush()).pending).toBe(1)
    await first.stop()

    const fresh = makeEvent()
    let second: EventQueue | undefined
    collector.reply = (n) => {
      // The adopted event's first attempt fails; the page pushes a new event meanwhile.
      if (n === 1) {
        second!.push(fresh)
        return { status: 503 }
      }
      return { status: 200 }
    }
    second = queue()
    // The queue's own timers deliver both (no flush() from the page), without a request of no events.
    await vi.waitFor(() => expect(collector.storedIds.sort()).toEqual([old.id, fresh.id].sort()), { timeout: 10_000 })
    const empty = collector.requests.filter((request) => (request.body as WireBatch).events?.length === 0)
    expect(empty).toHaveLength(0)
  })
})

describe('Retry-After on a success', () => {
  it('holds the next request back when a 200 announces a rate limit with Retry-After (default transport)', async () => {
    collector.reply = (n) => (n === 0 ? { status: 200, headers: { 'retry-after': '30' } } : { status: 200 })
    const q = queue()
    q.push(makeEvent())
    expect(await q.flush()).toMatchObject({ sent: 1 })
    q.push(makeEvent())
    // README: "the server's Retry-After (… on 429 and 503, and on a success that announces a rate limit) first".
    expect(await q.flush()).toEqual({ sent: 0, dropped: 0, pending: 1 })
    expect(collector.requests).toHaveLength(1)
  })
})

describe('drop counts survive a reload', () => {
  it('reports the drops of a page that closed before any delivery succeeded, with the events it stored', async () => {
    collector.reply = () => 'network-error'
    const first = queue({ maxQueueEvents: 5, retryBaseMs: 60_000 })
    for (let i = 0; i < 10; i++) first.push(makeEvent())
    expect(await first.flush()).toMatchObject({ dropped: 5, pending: 5 })
    await first.stop()

    collector.reply = () => ({ status: 200 })
    const second = queue()
    await vi.waitFor(
      async () => {
        await second.flush()
        expect(collector.storedIds).toHaveLength(5)
      },
      { timeout: 10_000 },
    )
    // README: "Every drop is counted per category and reason, and the counts travel in the next batch".
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'queue_full', count: 5 }])
  })
  it('takes from a stored drop-count record only the entries the wire accepts: a tampered one costs no event', async () => {
    const gone = 'gone-queue-with-a-bad-record'
    const store = await openEventStore(networkScope(), storageName)
    const event = makeEvent()
    await store.write(
      [
        {
          id: 'chunk-1',
          owner: gone,
          events: [{ id: event.id, seq: 1, category: 'analytics', json: JSON.stringify(event) }],
        },
        {
          id: `${gone}:dropped`,
          owner: gone,
          events: [],
          dropped: [
            { category: 'analytics', reason: 'queue_full', count: 3 },
            { category: 'analytics', reason: 'queue_full', count: '3' },
            { category: 'secret', reason: 'queue_full', count: 1 },
            { category: 'crash', reason: 'made_up', count: 1 },
            { category: 'crash', reason: 'rejected', count: 1e12 },
            null,
          ] as never,
        },
      ],
      [],
    )
    store.close()
    const q = queue()
    await vi.waitFor(
      async () => {
        await q.flush()
        expect(collector.storedIds).toEqual([event.id])
      },
      { timeout: 10_000 },
    )
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'queue_full', count: 3 }])
    expectValidBatches()
  })

  it('reports drop counts a closing page sent with keepalive once: the next page does not send them again', async () => {
    collector.reply = () => 'network-error'
    const { queue: first, crash } = crashableTab({ maxQueueEvents: 5 })
    for (let i = 0; i < 10; i++) first.push(makeEvent())
    await first.flush()
    // Stored with the events; then the network is back and the page closes at once: the keepalive request of its
    // close carries the events and the counts (resume()'s own drain waits for the store, after the close took them),
    // and the page is gone before it hears the answer.
    collector.reply = () => ({ status: 200 })
    void first.resume()
    first.hide()
    crash()
    await vi.waitFor(() => expect(collector.storedIds).toHaveLength(5), { timeout: 10_000 })
    const second = queue()
    second.push(makeEvent())
    await vi.waitFor(
      async () => {
        await second.flush()
        // The gone page's events come again from its store (stored once by id); the counts must not.
        expect(new Set(collector.storedIds).size).toBe(6)
      },
      { timeout: 10_000 },
    )
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'queue_full', count: 5 }])
  })

  it('reports delivered drop counts once: the next page does not send them again', async () => {
    collector.reply = (n) => (n === 0 ? 'network-error' : { status: 200 })
    const first = queue({ maxQueueEvents: 5 })
    for (let i = 0; i < 10; i++) first.push(makeEvent())
    await first.flush()
    await vi.waitFor(
      async () => {
        await first.flush()
        expect(collector.storedIds).toHaveLength(5)
      },
      { timeout: 10_000 },
    )
    await first.stop()
    const second = queue()
    second.push(makeEvent())
    await vi.waitFor(
      async () => {
        await second.flush()
        expect(collector.storedIds).toHaveLength(6)
      },
      { timeout: 10_000 },
    )
    expect(collector.dropped).toEqual([{ category: 'analytics', reason: 'queue_full', count: 5 }])
  })
})

describe('an event whose payload JSON turns into something else', () => {
  it('costs only itself, never the batch it travels in, when its payload serializes to a non-object', async () => {
    // Like the reference collector (apps/collector handleBatch): a batch is stored whole or refused with 400.
    collector.reply = (_n, body) => (validate(body) ? { status: 200 } : { status: 400 })
    const q = queue()
    const good = Array.from({ length: 9 }, () => makeEvent())
    for (const event of good.slice(0, 4)) q.push(event)
    // typeof 'object' and not an array, so it is accepted; JSON.stringify leaves the payload out entirely.
    q.push(makeEvent({ payload: { toJSON: () => undefined } }))
    for (const event of good.slice(4)) q.push(event)
    await q.flush()
    expect(collector.storedIds).toEqual(good.map((event) => event.id))
  })
})

describe('a localStorage copy that is not a JSON list', () => {
  it('removes a copy holding a JSON string with a warning, instead of counting each character as a dropped event', async () => {
    const storage = createMemoryStorage()
    storage.setItem(`${storageName}:gone-queue`, JSON.stringify('x'.repeat(500)))
    const q = queue({ scope: networkScope({}, storage) })
    const event = makeEvent()
    q.push(event)
    await vi.waitFor(
      async () => {
        await q.flush()
        expect(collector.storedIds).toEqual([event.id])
      },
      { timeout: 10_000 },
    )
    expect(Object.keys(storage)).toEqual([])
    // README: "a copy that is not a JSON list is removed with a debug warning".
    expect(collector.dropped).toEqual([])
    expect(q.stats().dropped).toBe(0)
  })
})

describe('poison-batch counting', () => {
  it('never drops an event answered 500 four times when 503s come between (not "in a row")', async () => {
    const replies = [500, 503, 500, 503, 500, 503, 500, 200]
    collector.reply = (n) => ({ status: replies[n] ?? 200 })
    const q = queue({ retryMaxMs: 2 })
    const event = makeEvent()
    q.push(event)
    await vi.waitFor(
      async () => {
        await q.flush()
        expect(q.stats().pending).toBe(0)
      },
      { timeout: 10_000 },
    )
    // README: "After POISON_ATTEMPTS (4) answers of 500 in a row, the batch is halved … 503 … retried for as
    // long as the queue lives without splitting or dropping anything."
    expect(collector.storedIds).toEqual([event.id])
    expect(q.stats().dropped).toBe(0)
  })
})

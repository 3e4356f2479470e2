// What an unlucky page or a hostile network cannot do to the pipeline — consent revoked while a batch is on the
// wire, a clock set back between pages, a rate limit announced with a 200, a page closed before any delivery, a
// payload whose toJSON returns something else, a copy that is not a list, 500s between 503s, toJSON chains: each
// case was a defect, and each test fails without its fix.
import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  createFakeScope,
  createLockRegistry,
  createMemoryStorage,
  startTestCollector,
  type LockRegistry,
  type TestCollector,
} from '@marco/testing'
import { createId } from './createId'
import { EventQueue, type EventQueueOptions } from './EventQueue'
import { serialize } from './serialize'
import type { SdkEvent } from './types'
import type { WireBatch } from './wire'

const schema = JSON.parse(readFileSync(new URL('../schema/batch.v1.json', import.meta.url), 'utf8'))
const validate = new Ajv2020({ allErrors: true }).compile(schema)

function makeEvent(overrides: Partial<SdkEvent> = {}): SdkEvent {
  return {
    id: createId(),
    type: 'track',
    category: 'analytics',
    ts: Date.now(),
    sessionId: 'session-1',
    payload: { name: 'stroke', tool: 'pen', width: 2 },
    ...overrides,
  }
}

function networkScope(navigator: Record<string, unknown> = {}, localStorage?: Storage) {
  return createFakeScope({
    navigator: { locks: origin.client(), ...navigator },
    localStorage,
    overrides: {
      fetch: globalThis.fetch,
      AbortController,
      indexedDB: globalThis.indexedDB,
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

async function storedIds(): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(storageName)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
  try {
    if (!db.objectStoreNames.contains('events')) return []
    const chunks: { events: { id: string }[] }[] = await new Promise((resolve, reject) => {
      const request = db.transaction('events').objectStore('events').getAll()
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    return chunks.flatMap((chunk) => chunk.events.map((event) => event.id))
  } finally {
    db.close()
  }
}

beforeEach(async () => {
  collector = await startTestCollector()
  origin = createLockRegistry()
  queues = []
  storageName = `marco-review-${++dbCount}-${createId()}`
})

afterEach(async () => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  for (const q of queues) await q.stop()
  await collector.close()
})

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
    expect(await storedIds()).not.toContain(analytics.id)
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

describe('serialize and toJSON', () => {
  it('applies maxDepth to what toJSON returns: a toJSON returning a fresh object with toJSON ends in a depth marker', () => {
    const make = (): object => ({ toJSON: make })
    // serialize.ts: "What toJSON returns counts one level deeper than its object" and toJSON "cannot loop forever".
    const out = serialize({ value: make() }, { maxDepth: 4 })
    expect(JSON.stringify(out)).not.toContain('[Unserializable]')
    expect(out).toEqual({ value: '[Object]' })
  })
})

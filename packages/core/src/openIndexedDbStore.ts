import { wrap, type IDBPDatabase } from 'idb'
import type { ConsentCategory } from './Consent'
import type { GlobalScope } from './scope'

/** One accepted event as the queue keeps it: already JSON, with its size and the tab that owns it. */
export interface StoredEvent {
  readonly id: string
  /** Accept order across page loads (wall ms × 1000 + a counter). */
  readonly seq: number
  readonly category: ConsentCategory
  readonly json: string
  readonly bytes: number
  owner: string
}

/**
 * Where accepted events wait until the server acknowledges them, shared by every tab of an origin. Each tab
 * owns the events it accepted; a tab keeps a lease alive while it runs, and the events of a tab whose lease
 * ran out (it closed or crashed) are taken over, atomically, by the next tab that asks — so no event is
 * sent by two tabs.
 */
export interface EventStore {
  put(records: readonly StoredEvent[]): Promise<void>
  remove(ids: readonly string[]): Promise<void>
  /** Renews `owner`'s lease and takes over every record whose owner's lease has expired. */
  claim(owner: string, leaseMs: number, nowMs: number): Promise<StoredEvent[]>
  /** Renews `owner`'s lease and returns which of `ids` it still owns. */
  confirm(owner: string, ids: readonly string[], leaseMs: number, nowMs: number): Promise<Set<string>>
  /** Gives up `owner`'s lease at once (the page is closing), so the next page load takes its events over. */
  release(owner: string): Promise<void>
  close(): void
}

interface Lease {
  owner: string
  expiresAt: number
}

const EVENTS = 'events'
const LEASES = 'leases'

/**
 * Opens the IndexedDB event store (through `idb`). Rejects when IndexedDB is missing, blocked by another
 * tab's open connection for longer than `blockedTimeoutMs`, or refused (private mode); the queue then keeps
 * events in memory.
 *
 * @example
 * const store = await openIndexedDbStore(globalScope, 'marco-events')
 */
export async function openIndexedDbStore(scope: GlobalScope, name: string, blockedTimeoutMs = 3_000): Promise<EventStore> {
  const factory = scope.indexedDB
  if (!factory) throw new Error('IndexedDB is not available')
  const request = factory.open(name, 1)
  request.onupgradeneeded = () => {
    const db = request.result
    if (!db.objectStoreNames.contains(EVENTS)) db.createObjectStore(EVENTS, { keyPath: 'id' })
    if (!db.objectStoreNames.contains(LEASES)) db.createObjectStore(LEASES, { keyPath: 'owner' })
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const db = (await Promise.race([
    wrap(request),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('IndexedDB open is blocked')), blockedTimeoutMs)
    }),
  ]).finally(() => clearTimeout(timer))) as unknown as IDBPDatabase
  // Another tab upgrading the database must not wait for us: close and let the queue fall back.
  db.addEventListener('versionchange', () => db.close())

  const isLive = (lease: Lease | undefined, nowMs: number): boolean => !!lease && lease.expiresAt > nowMs

  return {
    async put(records) {
      const tx = db.transaction(EVENTS, 'readwrite')
      for (const record of records) void tx.store.put(record)
      await tx.done
    },
    async remove(ids) {
      const tx = db.transaction(EVENTS, 'readwrite')
      for (const id of ids) void tx.store.delete(id)
      await tx.done
    },
    async claim(owner, leaseMs, nowMs) {
      // One readwrite transaction over both stores: IndexedDB runs overlapping readwrite transactions one
      // at a time, so two tabs claiming at once cannot both take the same record.
      const tx = db.transaction([EVENTS, LEASES], 'readwrite')
      const events = tx.objectStore(EVENTS)
      const leaseStore = tx.objectStore(LEASES)
      const leases = new Map(((await leaseStore.getAll()) as Lease[]).map((lease) => [lease.owner, lease]))
      const taken: StoredEvent[] = []
      for (const record of (await events.getAll()) as StoredEvent[]) {
        if (record.owner !== owner && isLive(leases.get(record.owner), nowMs)) continue
        if (record.owner !== owner) {
          record.owner = owner
          void events.put(record)
        }
        taken.push(record)
      }
      for (const [other, lease] of leases) if (!isLive(lease, nowMs)) void leaseStore.delete(other)
      void leaseStore.put({ owner, expiresAt: nowMs + leaseMs })
      await tx.done
      return taken.sort((a, b) => a.seq - b.seq)
    },
    async confirm(owner, ids, leaseMs, nowMs) {
      const tx = db.transaction([EVENTS, LEASES], 'readwrite')
      void tx.objectStore(LEASES).put({ owner, expiresAt: nowMs + leaseMs })
      const events = tx.objectStore(EVENTS)
      const records = (await Promise.all(ids.map((id) => events.get(id)))) as (StoredEvent | undefined)[]
      await tx.done
      return new Set(records.filter((record) => record?.owner === owner).map((record) => record!.id))
    },
    async release(owner) {
      await db.delete(LEASES, owner)
    },
    close() {
      db.close()
    },
  }
}

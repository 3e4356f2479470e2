import { wrap, type IDBPDatabase } from 'idb'
import type { ConsentCategory } from './Consent'
import type { GlobalScope } from './scope'

/** One accepted event as the queue keeps it: already JSON, with its size. */
export interface StoredEvent {
  readonly id: string
  /** Accept order across page loads (wall ms × 1000, then counting up). */
  readonly seq: number
  readonly category: ConsentCategory
  readonly json: string
  readonly bytes: number
}

/**
 * The unit of storage: the events one tab accepted in one tick, written in one request and deleted in one
 * when they have all been delivered (rewritten with the rest when only some were). One record per event
 * would cost a write and a delete per event; per chunk it is a few per batch.
 */
export interface StoredChunk {
  readonly id: string
  readonly seq: number
  owner: string
  events: StoredEvent[]
}

/**
 * Where accepted events wait until the server acknowledges them, shared by every tab of an origin. Each tab
 * owns the chunks it wrote; a tab keeps a lease alive while it runs, and the chunks of a tab whose lease ran
 * out (it closed or crashed) are taken over, atomically, by the next tab that asks — so no event is sent by
 * two tabs.
 */
export interface EventStore {
  put(chunk: StoredChunk): Promise<void>
  remove(chunkId: string): Promise<void>
  /** Renews `owner`'s lease and takes over every chunk whose owner's lease has expired. */
  claim(owner: string, leaseMs: number, nowMs: number): Promise<StoredChunk[]>
  /** Renews `owner`'s lease and returns which of the chunks `ids` it still owns. */
  confirm(owner: string, ids: readonly string[], leaseMs: number, nowMs: number): Promise<Set<string>>
  /** Gives up `owner`'s lease at once (the page is closing), so the next page load takes its events over. */
  release(owner: string): Promise<void>
  close(): void
}

interface Lease {
  owner: string
  expiresAt: number
}

const CHUNKS = 'chunks'
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
  const request = scope.indexedDB!.open(name, 1)
  request.onupgradeneeded = () => {
    const db = request.result
    db.createObjectStore(CHUNKS, { keyPath: 'id' })
    db.createObjectStore(LEASES, { keyPath: 'owner' })
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
    async put(chunk) {
      await db.put(CHUNKS, chunk)
    },
    async remove(chunkId) {
      await db.delete(CHUNKS, chunkId)
    },
    async claim(owner, leaseMs, nowMs) {
      // One readwrite transaction over both stores: IndexedDB runs overlapping readwrite transactions one
      // at a time, so two tabs claiming at once cannot both take the same chunk.
      const tx = db.transaction([CHUNKS, LEASES], 'readwrite')
      const chunks = tx.objectStore(CHUNKS)
      const leaseStore = tx.objectStore(LEASES)
      const leases = new Map(((await leaseStore.getAll()) as Lease[]).map((lease) => [lease.owner, lease]))
      const taken: StoredChunk[] = []
      for (const chunk of (await chunks.getAll()) as StoredChunk[]) {
        if (chunk.owner === owner || isLive(leases.get(chunk.owner), nowMs)) continue
        chunk.owner = owner
        void chunks.put(chunk)
        taken.push(chunk)
      }
      for (const [other, lease] of leases) if (!isLive(lease, nowMs)) void leaseStore.delete(other)
      void leaseStore.put({ owner, expiresAt: nowMs + leaseMs })
      await tx.done
      return taken
    },
    async confirm(owner, ids, leaseMs, nowMs) {
      const tx = db.transaction([CHUNKS, LEASES], 'readwrite')
      void tx.objectStore(LEASES).put({ owner, expiresAt: nowMs + leaseMs })
      const chunks = tx.objectStore(CHUNKS)
      const found = (await Promise.all(ids.map((id) => chunks.get(id)))) as (StoredChunk | undefined)[]
      await tx.done
      return new Set(found.filter((chunk) => chunk?.owner === owner).map((chunk) => chunk!.id))
    },
    async release(owner) {
      await db.delete(LEASES, owner)
    },
    close() {
      db.close()
    },
  }
}

import type { ConsentCategory } from './Consent'
import type { GlobalScope } from './scope'
import type { DropCount } from './wire'

/** One accepted event as it is stored. */
export interface StoredEvent {
  readonly id: string
  /** Accept order across page loads (wall ms × 1000, then counting up). */
  readonly seq: number
  readonly category: ConsentCategory
  readonly json: string
}

/**
 * The unit of storage: the events one write put, as a plain record (no object graph for the structured clone
 * to walk). Deleted in one request once all its events are delivered; rewritten with what is left only when
 * some must leave storage early (consent revoked, evicted).
 */
export interface StoredChunk {
  readonly id: string
  /** The queue (tab, worker) responsible for sending it. */
  owner: string
  readonly events: readonly StoredEvent[]
  /** A queue's drop counts not yet acknowledged (a record with no events): adopted with the rest. */
  readonly dropped?: readonly DropCount[]
}

/**
 * Where accepted events wait until the server acknowledges them, shared by every tab of an origin. All
 * writes of a moment go in one transaction (`write`), and taking over other queues' events is one
 * transaction too (`claim`), so two tabs can never both take the same event.
 */
export interface EventStore {
  /** Puts `chunks` and deletes the chunks `deleteIds` in one readwrite transaction. */
  write(chunks: readonly StoredChunk[], deleteIds: readonly string[]): Promise<void>
  /** Makes `owner` the owner of every chunk whose owner is not `isLive`, and returns them. */
  claim(owner: string, isLive: (owner: string) => boolean): Promise<StoredChunk[]>
  close(): void
}

const EVENTS = 'events'

/** A request's result as a promise. */
function done<T>(request: IDBRequest<T> | IDBTransaction): Promise<T> {
  return new Promise((resolve, reject) => {
    if ('oncomplete' in request) {
      request.oncomplete = () => resolve(undefined as T)
      request.onabort = request.onerror = () => reject(request.error)
    } else {
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    }
  })
}

/**
 * Opens the IndexedDB event store. Rejects when IndexedDB is missing, refused (private mode) or blocked by
 * another tab's connection for longer than `blockedTimeoutMs`; the queue then keeps events in memory.
 * Three operations, each a single request or transaction, written against the IndexedDB API directly: a
 * wrapper library would cost more bytes than these lines.
 *
 * @example
 * const store = await openEventStore(globalScope, 'marco-sdk-events')
 */
export async function openEventStore(scope: GlobalScope, name: string, blockedTimeoutMs = 3_000): Promise<EventStore> {
  // Version 2 keeps plain chunk records, one per write; version 1's object-graph chunks and leases go.
  const request = scope.indexedDB!.open(name, 2)
  request.onupgradeneeded = () => {
    const db = request.result
    for (const store of [...db.objectStoreNames]) db.deleteObjectStore(store)
    db.createObjectStore(EVENTS, { keyPath: 'id' })
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const db = await Promise.race([
    done(request),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('IndexedDB open is blocked')), blockedTimeoutMs)
    }),
  ]).finally(() => clearTimeout(timer))
  // Another tab upgrading the database must not wait for us: close, and the queue falls back to memory.
  db.onversionchange = () => db.close()
  const transaction = () => db.transaction(EVENTS, 'readwrite')

  return {
    write(chunks, deleteIds) {
      const tx = transaction()
      const store = tx.objectStore(EVENTS)
      for (const chunk of chunks) store.put(chunk)
      for (const id of deleteIds) store.delete(id)
      // Commit now rather than when the requests have answered: written from a `pagehide` handler, the
      // transaction must not wait on a page that is going away (IndexedDB 3.0, `IDBTransaction.commit()`).
      tx.commit?.()
      return done(tx)
    },
    async claim(owner, isLive) {
      // IndexedDB runs overlapping readwrite transactions one at a time: no event is taken twice.
      const tx = transaction()
      const store = tx.objectStore(EVENTS)
      const taken: StoredChunk[] = []
      for (const chunk of await done<StoredChunk[]>(store.getAll())) {
        if (chunk.owner === owner || isLive(chunk.owner)) continue
        chunk.owner = owner
        store.put(chunk)
        taken.push(chunk)
      }
      await done(tx)
      return taken
    },
    close() {
      db.close()
    },
  }
}

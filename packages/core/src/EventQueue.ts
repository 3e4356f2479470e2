import type { Clock } from './clock'
import { CONSENT_CATEGORIES, type ConsentCategory } from './Consent'
import { createHttpTransport, type SendResult, type Transport } from './createHttpTransport'
import { createId } from './createId'
import { createMonitor, listen, startTimeout, type Monitor, type Teardown } from './monitor'
import { nextRetryDelay } from './nextRetryDelay'
import { openEventStore, type EventStore, type StoredChunk } from './openEventStore'
import { globalScope, type GlobalScope } from './scope'
import { startTabOwnership } from './startTabOwnership'
import type { EventSink, SdkEvent } from './types'
import { createUnloadBudget, KEEPALIVE_LIMIT_BYTES } from './unloadBudget'
import {
  DROP_REASONS,
  MAX_BATCH_EVENTS,
  MAX_DROP_COUNT,
  WIRE_VERSION,
  type DropCount,
  type DropReason,
  type WireBatch,
  type WireEvent,
} from './wire'

/** Room kept in every request for the batch envelope around the events (sdk, sentAt, drop counts, context). */
const ENVELOPE_RESERVE_BYTES = 4 * 1024
/**
 * Most bytes of events (JSON characters) one stored chunk holds. Chromium stores a value larger than 64 KB as a
 * blob whose bytes follow the transaction asynchronously; written from `pagehide`, such a put was lost when the
 * page went away first (the mid-burst close test, under load). Below the threshold, a write is complete as soon as
 * its requests are made.
 */
const CHUNK_CHARS = 30_000
/**
 * Consecutive HTTP 500 answers to one batch before it is halved, and, once it is a single event, before that
 * event is dropped (counted as `rejected`, status 500). Only 500 counts: it says the server failed on this
 * request's content, while 502–504, 429 and network errors say it is unreachable or busy — those are retried
 * with backoff for as long as the queue lives and never split or drop anything.
 */
export const POISON_ATTEMPTS = 4

const LIMIT_DEFAULTS = {
  maxBatchEvents: MAX_BATCH_EVENTS,
  maxBatchBytes: 256 * 1024,
  flushIntervalMs: 5_000,
  persistIntervalMs: 1_000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 5 * 1024 * 1024,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
}

export interface EventQueueOptions {
  /** Where batches are POSTed (the default transport). Either this or `transport` is needed. */
  endpoint?: string
  /** Replaces the default HTTP transport (a wire adapter, a test transport). */
  transport?: Transport
  /**
   * Events per request. Default and most `MAX_BATCH_EVENTS` (1,000): batches are cut by bytes first. Each
   * request costs the page more than the events in it (a `fetch` costs a few ms of main thread), so they are few.
   */
  maxBatchEvents?: number
  /**
   * Bytes of events (JSON, before compression) per request. Default 256 KiB (gzipped to a few tens of KiB).
   * On page hide the requests and their sum stay within the browser's 64 KiB keepalive budget whatever this is.
   * The largest event accepted is the smaller of this and that budget, less 4 KiB for the envelope.
   */
  maxBatchBytes?: number
  /** How long an event may wait for companions before it is sent. Default 5 s. */
  flushIntervalMs?: number
  /**
   * Write-behind: how long accepted events may wait before they are written to IndexedDB, all in one
   * transaction (also written at once when the page is hidden or closed and when delivery fails). Events
   * delivered within it are never written at all. Default 1 s: the most a renderer crash can lose.
   */
  persistIntervalMs?: number
  /**
   * Events kept while delivery is impossible; past it the oldest are dropped and counted. Default 10,000.
   * (Events pushed within the current task wait unprocessed on top of it, at most `maxBatchEvents` once full.)
   */
  maxQueueEvents?: number
  /** Bytes (of JSON) kept while delivery is impossible. Default 5 MiB. */
  maxQueueBytes?: number
  /**
   * Keep accepted events in IndexedDB until acknowledged, shared safely by the origin's tabs through Web
   * Locks, with a `localStorage` copy of the ones not yet written while the page is hidden or closing. Default
   * true; memory only when false, or where IndexedDB or Web Locks are missing.
   */
  storage?: boolean
  /**
   * The IndexedDB database name, shared by every tab of the origin; also names the queues' Web Locks and
   * `localStorage` copies (`<storageName>:<queue id>`). Default `marco-sdk-events`.
   */
  storageName?: string
  /** First retry delay; the ceiling doubles per failed attempt (full jitter). Default 1 s. */
  retryBaseMs?: number
  /** Longest retry delay, `Retry-After` included. Default 5 min. */
  retryMaxMs?: number
  /** Per-request time-out of the default transport. Default 10 s. */
  requestTimeoutMs?: number
  /** Named in every batch. */
  sdk?: { name: string; version: string }
  /**
   * Context sent once per batch rather than with every event (page, device, locale), read at send time.
   * Its JSON should stay within 2 KiB, the room kept for the envelope.
   */
  context?: () => Record<string, unknown> | undefined
  /** Hears every drop as it is counted. */
  onDrop?: (drop: DropCount) => void
  /** Writes fallbacks and drops to `console.warn`. */
  debug?: boolean
  scope?: GlobalScope
  /** Wall-clock time (only `now` is read). */
  clock?: Pick<Clock, 'now'>
  monitor?: Monitor
  /** Uniform in [0, 1), for retry jitter. */
  random?: () => number
}

export interface FlushResult {
  /** Events the server acknowledged during this flush. */
  readonly sent: number
  /** Events dropped (and counted) during this flush. */
  readonly dropped: number
  /** Events still waiting (offline, backing off, or over the unload budget). */
  readonly pending: number
}

export interface QueueStats {
  readonly accepted: number
  readonly sent: number
  readonly dropped: number
  /** Left out by the transport because its endpoint does not carry them (a wire adapter's other categories). */
  readonly filtered: number
  readonly pending: number
  /** Where events wait: `indexeddb`, or `memory` (storage off, missing, blocked or full). */
  readonly storage: 'indexeddb' | 'memory' | 'opening'
}

interface QueuedEvent {
  readonly id: string
  readonly seq: number
  readonly category: ConsentCategory
  readonly json: string
  readonly _bytes: number
  _inflight?: boolean
  /** Its category's consent was revoked while it was in flight: never written, and gone unless that send lands. */
  _revoked?: boolean
  /** The stored chunk holding it (written, or in a write on its way there). */
  _chunk?: string
}

/**
 * The delivery pipeline: every feature's events go through it. `push` is synchronous, O(1) and never throws;
 * checks and serialization happen at the end of the task, batched. Events are batched by count, bytes and time; written
 * behind to IndexedDB (one transaction per `persistIntervalMs`, deliveries and acknowledgements coalesced) so
 * a reload or closed tab loses nothing; retried with `nextRetryDelay`, honouring `Retry-After`; held while
 * offline; sent with `keepalive` when the page is hidden. Whatever cannot be delivered is dropped by rule and
 * counted, and the counts travel in the next batch.
 *
 * @example
 * const queue = new EventQueue({ endpoint: 'https://collector.example.com/v1/batch' })
 * queue.push({ id: createId(), type: 'track', category: 'analytics', ts: Date.now(), sessionId, payload: { name:
 * 'export' } })
 * await queue.flush() // { sent: 1, dropped: 0, pending: 0 }
 */
export class EventQueue implements EventSink {
  private _limits: typeof LIMIT_DEFAULTS
  private _transport: Transport
  private _scope: GlobalScope
  private _clock: Pick<Clock, 'now'>
  private _monitor: Monitor
  private _random: () => number
  private _sdk: { name: string; version: string }
  private _context: EventQueueOptions['context']
  private _onDrop: ((drop: DropCount) => void) | undefined
  private _debug: boolean
  private _owner = createId()
  private _incoming: SdkEvent[] = []
  private _queue: QueuedEvent[] = []
  private _bytes = 0
  private _seq = 0
  private _drops = new Map<string, DropCount>()
  /** The drop counts riding with batches in flight (they come back if those are not delivered). */
  private _carried = new Set<DropCount[]>()
  /** The drop counts changed since the last write, which stores them (a page that closes keeps its counts). */
  private _dropsChanged = false
  private _stats = { accepted: 0, sent: 0, dropped: 0, filtered: 0 }
  private _store: EventStore | undefined
  private _storeState: QueueStats['storage'] = 'memory'
  /** Stored chunks and how many of their events are still queued. (A queued event with no chunk is not written.) */
  private _chunks = new Map<string, number>()
  /**
   * Chunks that lost events since the last write: deleted when empty, and rewritten when `true` — some of their
   * events must leave storage now (consent revoked, evicted), not wait.
   */
  private _touched = new Map<string, boolean>()
  /** Chunks whose write has not landed yet: their events are not safe in storage (see `_spill`). */
  private _writing = new Set<string>()
  /** The database name, which also names this queue's localStorage spill and Web Locks. */
  private _name: string
  /** Every IndexedDB operation runs in this one chain, in order. */
  private _io: Promise<unknown>
  private _ready: Promise<void>
  private _online: boolean
  private _retryAt = 0
  private _attempt = 0
  /** HTTP 500 answers in a row, and the batch size they leave (see `POISON_ATTEMPTS`). */
  private _serverErrors = 0
  private _batchEvents: number
  /** Set by a hide or close of the page, until it is visible again. */
  private _hidden = false
  private _draining: Promise<void> | undefined
  private _unloadBudget = createUnloadBudget()
  /** An ingest is queued for the end of this task. */
  private _ingesting = false
  private _cancelFlush: Teardown | undefined
  private _cancelPersist: Teardown | undefined
  private _release: Teardown | undefined
  private _teardowns: Teardown[] = []
  private _stopped = false
  private _warned = new Set<string>()
  /** When the pending flush timer fires (`Infinity`: none pending). */
  private _flushAt = Infinity

  constructor(options: EventQueueOptions = {}) {
    const scope = (this._scope = options.scope ?? globalScope)
    this._clock = options.clock ?? Date
    const monitor = (this._monitor = options.monitor ?? createMonitor({ scope, debug: options.debug }))
    this._random = options.random ?? Math.random
    this._sdk = options.sdk ?? { name: '@marco/core', version: '0.1.0' }
    this._context = options.context
    this._onDrop = options.onDrop
    this._debug = !!options.debug
    // A missing, zero, negative or NaN limit takes its default.
    const limits = { ...LIMIT_DEFAULTS }
    for (const key in limits) {
      const value = options[key as keyof typeof LIMIT_DEFAULTS]
      if (value! > 0) limits[key as keyof typeof LIMIT_DEFAULTS] = value!
    }
    // The wire schema's bound (the reference collector refuses larger batches).
    limits.maxBatchEvents = Math.min(
      limits.maxBatchEvents,
      MAX_BATCH_EVENTS,
      options.transport?.maxBatchEvents || MAX_BATCH_EVENTS,
    )
    this._limits = limits
    this._batchEvents = limits.maxBatchEvents
    if (!options.transport && !options.endpoint) this._warn('no endpoint: events wait')
    this._transport =
      options.transport ??
      (options.endpoint
        ? createHttpTransport({ url: options.endpoint, scope, timeoutMs: options.requestTimeoutMs })
        : { send: async () => ({ result: 'retry' }) })
    // Unknown counts as online: only an explicit `false` holds delivery back.
    this._online = scope.navigator?.onLine !== false

    this._teardowns.push(
      listen(monitor, scope, 'online', () => void this.resume()),
      listen(monitor, scope, 'offline', () => (this._online = false)),
      // `pagehide`, never `unload`: an unload listener makes the page ineligible for the back/forward cache.
      // A page going into that cache lets its lock and channel go: another page of the origin waiting on the
      // lock, or posting on the channel, would evict it. That page takes what this one stored, as from a closed
      // tab; back from the cache, this one owns its queue again (an event both send is stored once, by id).
      listen(monitor, scope, 'pagehide', (event) => {
        this._unload()
        if ((event as PageTransitionEvent).persisted) this._release?.()
      }),
      listen(
        monitor,
        scope,
        'pageshow',
        (event) => (event as PageTransitionEvent).persisted && this._store && this._own().catch(monitor.report),
      ),
      listen(monitor, scope.document, 'visibilitychange', () =>
        this.hide(scope.document?.visibilityState === 'hidden'),
      ),
    )
    this._name = options.storageName ?? 'marco-sdk-events'
    this._io = this._ready = options.storage !== false ? this._openStore() : Promise.resolve()
  }

  /**
   * Accepts one event. Synchronous and O(1); never throws; nothing to await. The event is checked and
   * serialized at the end of the current task together with the others the task pushed.
   */
  push(event: SdkEvent): void {
    try {
      if (this._stopped) return this._warn('push after stop')
      this._stats.accepted++
      // A burst while the queue is full is processed early, so memory stays within maxQueueEvents plus one batch.
      const waiting = this._incoming.push(event)
      if (waiting + this._queue.length > this._limits.maxQueueEvents && waiting >= this._limits.maxBatchEvents)
        this._ingest()
      else if (!this._ingesting) {
        // At the end of this task, with every event the task pushes: no timer task of its own per frame.
        this._ingesting = true
        queueMicrotask(this._monitor.wrap(() => this._ingest()))
        // Pushed while the page is hidden or closing (by a hide handler that ran after ours): no timer may
        // ever fire again, so it goes out within this task.
        if (this._hidden) queueMicrotask(this._monitor.wrap(() => this._unload()))
      }
    } catch (error) {
      this._monitor.report(error)
    }
  }

  /**
   * Sends everything that can be sent now, batch after batch, and resolves when done (or when delivery
   * must wait: offline, or backing off after a failure). Never rejects.
   */
  async flush(): Promise<FlushResult> {
    const before = { ...this._stats }
    try {
      this._ingest()
      // A drain already running may have started before these events arrived: go round until idle.
      while (!this._stopped) {
        await this._startDrain()
        if (!this._sendable()) break
      }
      // Offline: what waits is written now, and the flush resolves once it is safely stored. (A failed send
      // writes at once too; events that are merely not due yet wait for the next write-behind.)
      if (!this._online) this._persist()
      await this._io
    } catch (error) {
      this._monitor.report(error)
    }
    return {
      sent: this._stats.sent - before.sent,
      dropped: this._stats.dropped - before.dropped,
      pending: this.stats().pending,
    }
  }

  /**
   * The network is back (the `online` event, or a worker told so by its page): forget the backoff and send
   * what waits now.
   */
  resume(): Promise<FlushResult> {
    this._online = true
    this._retryAt = this._attempt = 0
    return this.flush()
  }

  /** Counters since this queue started. */
  stats(): QueueStats {
    return { ...this._stats, pending: this._queue.length + this._incoming.length, storage: this._storeState }
  }

  /**
   * Removes every waiting event of a category (consent revoked), from memory and from IndexedDB, and counts
   * them as dropped with reason `consent_revoked`.
   */
  purge(category: ConsentCategory): void {
    this._monitor.call(() => {
      this._ingest()
      const removed: QueuedEvent[] = []
      for (const event of this._queue)
        if (event.category === category) event._inflight ? (event._revoked = true) : removed.push(event)
      if (!removed.length) return
      this._discard(removed, true)
      this._drop(category, 'consent_revoked', removed.length)
      // Consent revoked: gone from storage now, not at the next write, and from the spill.
      this._persist()
      if (this._hidden) this._spill()
    })
  }

  /**
   * Stops timers and listeners, writes what waits to storage and hands it over to the origin's other tabs or
   * the next page load. Safe to call twice. To deliver first, `await queue.flush()`.
   */
  async stop(): Promise<void> {
    if (this._stopped) return
    try {
      this._ingest()
      this._stopped = true
      for (const teardown of this._teardowns.splice(0)) teardown()
      this._cancelFlush?.()
      this._persist()
      void this._chain(async (store) => {
        this._store = undefined
        store.close()
      })
      await this._io
      // Only once the last write has landed (and also after IndexedDB failed mid-way): the origin's other tabs
      // take what is stored over as soon as this lock goes.
      this._release?.()
    } catch (error) {
      this._monitor.report(error)
    }
  }

  /**
   * The page is hidden or closing (`true`: send what fits the keepalive budget now, write the rest, and
   * send what is pushed while hidden at once), or visible again (`false`). Called by the queue's own page
   * listeners; a queue in a worker, which has no page events, is told by its page.
   */
  hide(hidden = true): void {
    if (hidden) this._unload()
    else (this._hidden = false), this._spill()
  }

  private async _openStore(): Promise<void> {
    const name = this._name
    this._storeState = 'opening'
    try {
      const locks = this._scope.navigator?.locks
      // Without Web Locks (engines before 2022) no tab could tell a crashed tab's events from a live one's.
      if (!locks) throw new Error('no Web Locks')
      this._store = await openEventStore(this._scope, name)
      await this._own()
      this._storeState = 'indexeddb'
      this._schedulePersist()
    } catch (error) {
      this._toMemory('no IndexedDB', error)
    }
  }

  /** Takes this queue's lock and watches the others' (at start, and back from the back/forward cache). */
  private async _own(): Promise<void> {
    const name = this._name
    const store = this._store!
    this._release = await startTabOwnership({
      locks: this._scope.navigator!.locks,
      name,
      owner: this._owner,
      BroadcastChannel: this._scope.BroadcastChannel,
      monitor: this._monitor,
      claim: async (isLive) => {
        this._adopt(await store.claim(this._owner, isLive))
        // Then the spills (see `_spill`) of queues that are gone, less what is queued already: checked as pushed
        // events are (each bad one costs itself, counted), written as this queue's own, and only then removed.
        const queued = new Set(this._queue.map((event) => event.id))
        let storage: Storage
        let spills: string[] = []
        try {
          storage = this._scope.localStorage!
          spills = Object.keys(storage).filter(
            (key) => key.startsWith(`${name}:`) && !isLive(key.slice(name.length + 1)),
          )
        } catch {
          // No localStorage, or blocked (cookies off): no spills to take.
        }
        for (const key of spills) {
          try {
            const copy: unknown = JSON.parse(storage!.getItem(key)!)
            if (!Array.isArray(copy)) throw new TypeError('not a list')
            for (const event of copy) queued.has(event?.id) || this._incoming.push(event)
          } catch (error) {
            this._warn('unreadable spill', error)
          }
        }
        if (!spills.length) return
        // Sent at once, as adopted chunks are, not after the flush interval.
        this._scheduleFlush(0)
        this._ingest()
        // This write only: the chain (`_io`) waits for the store this claim is part of opening.
        await this._persist()
        for (const key of spills) storage!.removeItem(key)
      },
    })
    if (this._stopped) this._release()
  }

  /**
   * IndexedDB is missing, refused, blocked or full: this queue goes on in memory (what it holds stays there;
   * this page loses nothing).
   */
  private _toMemory(why: string, error: unknown): void {
    this._store?.close()
    this._store = undefined
    this._storeState = 'memory'
    this._warn(`${why}: memory only`, error)
  }

  /** Queues the events taken over from a tab that is gone (an earlier page load, a closed or crashed tab). */
  private _adopt(chunks: StoredChunk[]): void {
    if (!chunks.length || this._stopped) return
    for (const chunk of chunks) {
      this._chunks.set(chunk.id, chunk.events.length)
      // A gone queue's drop counts: this queue's now (stored under its own record), theirs deleted in the same write.
      if (chunk.dropped) this._countDrops(storedDrops(chunk.dropped)), this._touched.set(chunk.id, false)
      for (const { id, seq, category, json } of chunk.events) {
        // Later events come after these even when this page's clock is behind the page that stored them (else a
        // drain up to the newest would find the oldest first and send nothing, again and again).
        this._seq = Math.max(this._seq, seq)
        const bytes = utf8Length(json)
        this._bytes += bytes
        this._queue.push({ id, seq, category, json, _bytes: bytes, _chunk: chunk.id })
      }
    }
    this._queue.sort((a, b) => a.seq - b.seq)
    this._scheduleFlush(0)
  }

  /**
   * While the page is hidden or closing, copies the events not yet safe in IndexedDB (never written, or in a
   * write that has not landed; the ones this task pushed taken in first) to localStorage, synchronously; removes
   * the copy once there are none (or the page is visible again). A write started from `pagehide`, or by an event
   * pushed after it, may never land — the tab is torn down first (measured in Chromium) — while a localStorage
   * write is handed to the browser at once. The next queue of the origin to claim this one's events takes the copy
   * too (in `_openStore`). Refused (quota, private mode): the events rely on the IndexedDB write alone.
   */
  private _spill(): void {
    this._ingest()
    if (this._storeState === 'memory') return
    try {
      const unsafe = this._hidden
        ? this._queue.filter((event) => !event._revoked && (!event._chunk || this._writing.has(event._chunk)))
        : []
      this._scope.localStorage?.[unsafe.length ? 'setItem' : 'removeItem'](
        `${this._name}:${this._owner}`,
        `[${unsafe.map((event) => event.json)}]`,
      )
    } catch (error) {
      this._warn('spill refused', error)
    }
  }

  /** Runs a storage operation after the ones before it; a failure is reported, never thrown. */
  private _chain(operation: (store: EventStore) => Promise<unknown>): Promise<void> {
    const next = this._io.then(() => this._store && operation(this._store)).catch(this._monitor.report)
    this._io = next
    return next as Promise<void>
  }

  /** Turns pushed events into queued JSON records: validated, serialized, bounded. */
  private _ingest(): void {
    this._ingesting = false
    if (!this._incoming.length) return
    const incoming = this._incoming
    this._incoming = []
    // Every event can leave on the unload path, within the keepalive budget.
    const maxEventBytes = Math.min(this._limits.maxBatchBytes, KEEPALIVE_LIMIT_BYTES) - ENVELOPE_RESERVE_BYTES
    for (const event of incoming) {
      let category: ConsentCategory = 'analytics'
      let reason: DropReason = 'invalid'
      try {
        // Each field is read once: a throwing or changing getter costs this one event, counted.
        const { id, type, category: given, ts, sessionId, payload } = event
        if (CONSENT_CATEGORIES.includes(given)) category = given
        if (isValid(id, type, given, ts, sessionId, payload)) {
          reason = 'unserializable'
          // The payload alone first: a toJSON may turn it into something else (or nothing), which the wire refuses
          // with the whole batch.
          const body = JSON.stringify(payload)
          if (body?.[0] !== '{') throw 0
          const json = `${JSON.stringify({ id, type, category, ts, sessionId }).slice(0, -1)},"payload":${body}}`
          const bytes = utf8Length(json)
          reason = 'too_large'
          if (bytes <= maxEventBytes) {
            const record: QueuedEvent = {
              id,
              seq: (this._seq = Math.max(this._seq + 1, this._clock.now() * 1000)),
              category,
              json,
              _bytes: bytes,
            }
            this._queue.push(record)
            this._bytes += bytes
            continue
          }
        }
      } catch {
        // `reason` says how far the event got.
      }
      this._drop(category, reason)
    }
    // Bounded memory: past either limit the oldest waiting events go, counted.
    const evicted: QueuedEvent[] = []
    let bytes = this._bytes
    for (
      let i = 0;
      i < this._queue.length &&
      (this._queue.length - evicted.length > this._limits.maxQueueEvents || bytes > this._limits.maxQueueBytes);
      i++
    ) {
      const event = this._queue[i]!
      if (event._inflight) continue
      evicted.push(event)
      bytes -= event._bytes
      this._drop(event.category, 'queue_full')
    }
    if (evicted.length) this._discard(evicted, true)
    this._schedulePersist()
    if (this._isFull()) this._scheduleFlush(0, true)
    else if (this._queue.length) this._scheduleFlush(this._limits.flushIntervalMs)
  }

  /**
   * Writes what was accepted since the last write as one chunk, and deletes the chunks whose events are all
   * gone (rewriting those that hold events which must leave storage now), in one transaction.
   */
  private _persist(): Promise<unknown> | undefined {
    this._cancelPersist?.()
    this._cancelPersist = undefined
    if (this._storeState === 'memory') return
    // Accepted, not yet written (those delivered before their write was due are gone: never written at all).
    const unsaved = this._queue.filter((event) => !event._chunk && !event._revoked)
    if (!unsaved.length && !this._touched.size && !this._dropsChanged) return
    const chunks: StoredChunk[] = []
    const unwanted: string[] = []
    // The drop counts not yet acknowledged, as a record of their own (no events) that the next queue adopts.
    if (this._dropsChanged) {
      this._dropsChanged = false
      const dropped = [...[...this._carried].flat(), ...this._drops.values()]
      const id = `${this._owner}:dropped`
      if (dropped.length) chunks.push({ id, owner: this._owner, events: [], dropped })
      else unwanted.push(id)
    }
    for (const [id, rewrite] of this._touched) {
      if (!this._chunks.get(id)) {
        this._chunks.delete(id)
        unwanted.push(id)
      } else if (rewrite)
        chunks.push(
          this._chunk(
            id,
            this._queue.filter((event) => event._chunk === id),
          ),
        )
    }
    this._touched.clear()
    // One chunk per `CHUNK_CHARS` of events.
    const groups: QueuedEvent[][] = []
    let size = CHUNK_CHARS
    for (const event of unsaved) {
      if ((size += event.json.length) > CHUNK_CHARS) groups.push([]), (size = event.json.length)
      groups.at(-1)!.push(event)
    }
    for (const events of groups) {
      const id = createId(this._scope)
      for (const event of events) event._chunk = id
      this._chunks.set(id, events.length)
      this._writing.add(id)
      chunks.push(this._chunk(id, events))
    }
    const write = async (store: EventStore): Promise<void> => {
      try {
        await store.write(chunks, unwanted)
        for (const chunk of chunks) this._writing.delete(chunk.id)
        if (this._hidden) this._spill()
      } catch (error) {
        // Over quota (or the database went away).
        this._toMemory('IndexedDB full', error)
      }
    }
    // IndexedDB runs readwrite transactions on one store in the order they were created, so once the store
    // is open the write starts now, not after the writes before it have answered: a page being hidden or
    // closed gives no later task to start it in.
    const store = this._store
    if (!store) return this._chain(write)
    const written = write(store)
    this._io = Promise.all([this._io, written])
    return written
  }

  /** A chunk as stored: plain copies of its events' fields. */
  private _chunk(id: string, events: QueuedEvent[]): StoredChunk {
    return {
      id,
      owner: this._owner,
      events: events.map(({ id, seq, category, json }) => ({ id, seq, category, json })),
    }
  }

  private _schedulePersist(): void {
    if (this._cancelPersist || this._stopped || this._storeState === 'memory') return
    this._cancelPersist = startTimeout(this._monitor, () => this._persist(), this._limits.persistIntervalMs)
  }

  /**
   * Takes events out of the queue for good (delivered, dropped, purged), and out of storage at the next write;
   * `now`: they must leave storage at that write even if others of their chunk stay (consent, eviction).
   */
  private _discard(events: QueuedEvent[], now = false): void {
    const gone = new Set(events)
    let oldest = 0
    while (oldest < this._queue.length && gone.has(this._queue[oldest]!)) oldest++
    // A cheap splice when they are the queue's oldest (sent or evicted, the usual case).
    if (oldest === gone.size) this._queue.splice(0, oldest)
    else this._queue = this._queue.filter((event) => !gone.has(event))
    for (const event of events) {
      this._bytes -= event._bytes
      // Delivered before it was ever written: no storage work at all.
      const chunk = event._chunk
      if (chunk) {
        this._chunks.set(chunk, this._chunks.get(chunk)! - 1)
        this._touched.set(chunk, now || !!this._touched.get(chunk))
      }
    }
    this._schedulePersist()
  }

  private _sendable(upTo = Infinity): boolean {
    return (
      this._online &&
      this._clock.now() >= this._retryAt &&
      this._queue.some((event) => !event._inflight && event.seq <= upTo)
    )
  }

  /**
   * Sends batch after batch of the events accepted up to `upTo` (all, for `flush()`), until none is left or
   * delivery has to wait. A timer's drain stops at the events it found: what arrives while a request is in
   * flight waits for a full batch or the flush interval, rather than going out a few events per request.
   * `whole`: only full batches (the queue filled up); the rest waits for the next one or the flush interval.
   */
  private async _drain(upTo?: number, whole?: boolean): Promise<void> {
    // The store is open and this tab's share of earlier pages' events is claimed (or storage failed).
    await this._ready
    let sent = true
    while (
      this._sendable(upTo) &&
      !this._stopped &&
      (!whole || this._isFull()) &&
      (sent = await this._send(this._take(this._limits.maxBatchBytes, upTo), false))
    );
    // Offline: the `online` event resumes. Backing off: resume when the wait is over, at once if it is over
    // already (a backoff of a few ms, jittered, can end before the failed send is done with).
    if (this._queue.length && this._online) {
      const wait = this._retryAt - this._clock.now()
      const full = wait <= 0 && this._isFull()
      this._scheduleFlush(wait > 0 ? wait : !sent || full ? 0 : this._limits.flushIntervalMs, full)
    }
  }

  /** Starts a drain, or joins the one under way. */
  private _startDrain(upTo?: number, whole?: boolean): Promise<void> {
    return (this._draining ??= this._drain(upTo, whole).finally(() => (this._draining = undefined)))
  }

  private _isFull(): boolean {
    return this._queue.length >= this._limits.maxBatchEvents || this._bytes >= this._limits.maxBatchBytes
  }

  /** The oldest waiting events (accepted up to `upTo`) that fit one request. */
  private _take(maxBytes: number, upTo = Infinity, unloading?: boolean): QueuedEvent[] {
    const batch: QueuedEvent[] = []
    let bytes = ENVELOPE_RESERVE_BYTES
    for (const event of this._queue) {
      if (event._inflight) continue
      if (event.seq > upTo) break
      // The first event goes whatever the limits (one stored under larger ones, a transport naming 0 events):
      // an empty batch would be sent again and again. Only the unload path keeps within the keepalive budget.
      if ((batch.length >= this._batchEvents || bytes + event._bytes > maxBytes) && (batch.length || unloading)) break
      batch.push(event)
      bytes += event._bytes + 1
    }
    return batch
  }

  /** Sends one batch; resolves to whether the next one may follow at once. */
  private async _send(batch: QueuedEvent[], unloading: boolean): Promise<boolean> {
    for (const event of batch) event._inflight = true
    // The drop counts ride with this batch; they come back if it is not delivered.
    const dropped = [...this._drops.values()]
    this._drops.clear()
    // Stored until delivered, except a keepalive request's: it usually lands after the page is gone, and its counts
    // still stored would be sent again by the next page (so the write that follows leaves them out; a keepalive
    // request that fails loses them, as before they were stored at all).
    if (!unloading) this._carried.add(dropped)
    else if (dropped.length) this._dropsChanged = true
    const head = {
      v: WIRE_VERSION as typeof WIRE_VERSION,
      sentAt: this._clock.now(),
      sdk: this._sdk,
      context: this._context && this._monitor.call(this._context),
      dropped,
    }
    // The events are JSON already: spliced in, not parsed and stringified again.
    const body = `${JSON.stringify(head).slice(0, -1)},"events":[${batch.map((event) => event.json).join(',')}]}`
    let events: WireEvent[] | undefined
    const wire: WireBatch = {
      ...head,
      // Parsed only when a transport reads it (adapters); the default transport sends `body` as is.
      get events() {
        return (events ??= batch.map((event) => JSON.parse(event.json) as WireEvent))
      },
    }
    const settle = unloading ? this._unloadBudget.spend(utf8Length(body)) : undefined
    let outcome: SendResult
    try {
      outcome = await this._transport.send(wire, { unloading, body })
    } catch (error) {
      // A custom transport that rejects instead of resolving: treat as a network failure.
      this._monitor.report(error)
      outcome = { result: 'retry' }
    } finally {
      settle?.()
      for (const event of batch) event._inflight = false
      this._carried.delete(dropped)
    }
    const { result, status, retryAfterMs, filtered = 0 } = outcome
    const max = this._limits.maxBatchEvents
    if (result === 'retry') {
      this._countDrops(dropped)
      this._attempt++
      // Events whose consent was revoked while they were on the wire: gone now that it did not land.
      const revoked = batch.filter((event) => event._revoked)
      if (revoked.length) {
        this._discard(revoked, true)
        for (const event of revoked) this._drop(event.category, 'consent_revoked')
        batch = batch.filter((event) => !event._revoked)
      }
      // A batch the server keeps failing on with 500 (a poison event) must not block the queue forever: 500 answers
      // in a row (another answer between starts the count again).
      if (status !== 500) this._serverErrors = 0
      else if (batch.length && ++this._serverErrors >= POISON_ATTEMPTS) {
        this._serverErrors = 0
        this._batchEvents = Math.ceil(batch.length / 2)
        if (batch.length < 2) {
          this._discard(batch)
          this._drop(batch[0]!.category, 'rejected', 1, status)
          this._batchEvents = max
        }
      }
      this._retryAt =
        this._clock.now() +
        nextRetryDelay(this._attempt, retryAfterMs, this._random, {
          baseMs: this._limits.retryBaseMs,
          maxMs: this._limits.retryMaxMs,
        })
      // Delivery failed: what waits is written now rather than at the next write.
      this._persist()
      return false
    }
    this._discard(batch)
    this._serverErrors = this._attempt = 0
    this._batchEvents = Math.min(max, this._batchEvents * 2)
    if (result === 'sent') {
      // Delivered with their counts: the stored record goes (or keeps only newer ones) at the next write.
      if (dropped.length) this._dropsChanged = true
      // A rate limit announced with a success holds the next request back.
      this._retryAt = retryAfterMs! > 0 ? this._clock.now() + Math.min(retryAfterMs!, this._limits.retryMaxMs) : 0
      this._stats.sent += batch.length - filtered
      this._stats.filtered += filtered
      return true
    }
    this._countDrops(dropped)
    for (const event of batch) this._drop(event.category, 'rejected', 1, status)
    return true
  }

  /** The page is being hidden or closed: send what fits the keepalive budget now, synchronously started. */
  private _unload(): void {
    this._hidden = true
    if (this._stopped) return
    // The synchronous copy first (it takes in what this task pushed): a page torn down while this runs (a closing
    // tab under load) then loses only what it pushed in the task the teardown cut short. The sends and the write
    // below leave the copy as it is (written events are not safe until their write lands).
    this._spill()
    if (this._online && this._clock.now() >= this._retryAt) {
      for (
        let batch;
        (batch = this._take(Math.min(this._limits.maxBatchBytes, this._unloadBudget.left()), Infinity, true)).length;
      ) {
        void this._send(batch, true)
      }
    }
    // What is in flight is written too: the next page load sends it if this request does not arrive.
    this._persist()
  }

  /**
   * Flushes after `delayMs`, or when the pending timer fires if that is sooner: a retry's backoff is not put off
   * until the flush interval, and a stream of pushes never postpones the flush it is waiting for. `whole`: the
   * queue filled up; only full batches go (see `_drain`).
   */
  private _scheduleFlush(delayMs: number, whole?: boolean): void {
    const at = this._clock.now() + delayMs
    if (this._stopped || at >= this._flushAt) return
    this._cancelFlush?.()
    this._flushAt = at
    this._cancelFlush = startTimeout(
      this._monitor,
      () => {
        this._flushAt = Infinity
        this._ingest()
        // A drain under way reschedules when it ends.
        void this._startDrain(whole ? undefined : this._queue.at(-1)?.seq, whole)
      },
      delayMs,
    )
  }

  private _drop(category: ConsentCategory, reason: DropReason, count = 1, status?: number): void {
    this._stats.dropped += count
    // `status` only for `rejected`; an undefined one leaves the wire (JSON) as if it were not there.
    const drop: DropCount = { category, reason, count, status }
    this._countDrops([drop])
    this._warn(`dropped: ${reason}`)
    if (this._onDrop) this._monitor.call(this._onDrop, drop)
  }

  /** Adds drop counts to the ones the next batch carries. */
  private _countDrops(drops: readonly DropCount[]): void {
    if (drops.length) this._dropsChanged = true
    for (const drop of drops) {
      const key = `${drop.category}|${drop.reason}|${drop.status}`
      const known = this._drops.get(key)
      // Never past the wire's bound: the collector would refuse every later batch whole.
      this._drops.set(key, known ? { ...known, count: Math.min(MAX_DROP_COUNT, known.count + drop.count) } : drop)
    }
  }

  /** One warning per kind, in debug mode only. */
  private _warn(message: string, detail?: unknown): void {
    if (this._debug && !this._warned.has(message)) {
      this._warned.add(message)
      this._scope.console?.warn(`[marco] queue: ${message}`, detail ?? '')
    }
  }
}

/**
 * The drop counts of a stored record the wire takes: a record of another version, or tampered, costs only its bad
 * entries (one would have the collector refuse the batch that carries it, events and all).
 */
function storedDrops(value: unknown): DropCount[] {
  return Array.isArray(value)
    ? value.filter(
        (drop: DropCount | null) =>
          CONSENT_CATEGORIES.includes(drop?.category!) &&
          DROP_REASONS.includes(drop!.reason) &&
          Number.isInteger(drop!.count) &&
          drop!.count > 0 &&
          drop!.count <= MAX_DROP_COUNT &&
          (drop!.status === undefined || (Number.isInteger(drop!.status) && drop!.status > 99 && drop!.status < 600)),
      )
    : []
}

function isValid(
  id: unknown,
  type: unknown,
  category: unknown,
  ts: unknown,
  sessionId: unknown,
  payload: unknown,
): boolean {
  const text = (value: unknown, min: number, max: number) =>
    typeof value === 'string' && value.length >= min && value.length <= max
  return (
    text(id, 8, 64) &&
    text(type, 1, 200) &&
    text(sessionId, 0, 64) &&
    CONSENT_CATEGORIES.includes(category as ConsentCategory) &&
    Number.isFinite(ts) &&
    (ts as number) >= 0 &&
    typeof payload === 'object' &&
    !!payload &&
    !Array.isArray(payload)
  )
}

/** UTF-8 length of a string: its length when ASCII (most JSON), else the length of its encoding. */
export function utf8Length(text: string): number {
  return /[^\0-\x7f]/.test(text) ? new TextEncoder().encode(text).length : text.length
}

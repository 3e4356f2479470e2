import type { Clock } from './clock'
import { CONSENT_CATEGORIES, type ConsentCategory } from './Consent'
import { createId } from './createId'
import { openIndexedDbStore, type EventStore, type StoredEvent } from './openIndexedDbStore'
import { createMonitor, listen, startInterval, startTimeout, type Monitor, type Teardown } from './monitor'
import { globalScope, type GlobalScope } from './scope'
import { createFetchTransport, type Transport } from './transport'
import type { EventSink, SdkEvent } from './types'
import { WIRE_VERSION, type DropCount, type DropReason, type WireBatch, type WireEvent } from './wire'

/** The browser's budget for the bodies of all in-flight `keepalive` requests of a page (Fetch spec). */
export const KEEPALIVE_LIMIT_BYTES = 64 * 1024
/** Room kept in every request for the batch envelope around the events (sdk, sentAt, drop counts, context). */
const ENVELOPE_RESERVE_BYTES = 4 * 1024

const LIMIT_DEFAULTS = {
  maxBatchEvents: 100,
  maxBatchBytes: 60 * 1024,
  flushIntervalMs: 5_000,
  maxQueueEvents: 10_000,
  maxQueueBytes: 5 * 1024 * 1024,
  leaseMs: 90_000,
  retryBaseMs: 1_000,
  retryMaxMs: 5 * 60_000,
}

export interface EventQueueOptions {
  /** Where batches are POSTed (the default transport). Either this or `transport` is needed. */
  endpoint?: string
  /** Replaces the default `fetch` transport (a wire adapter, a test transport). */
  transport?: Transport
  /** Events per request. Default 100. */
  maxBatchEvents?: number
  /** Bytes per request body (also the largest event accepted). Default 60 KiB, under the keepalive budget. */
  maxBatchBytes?: number
  /** How long an event may wait for companions before it is sent. Default 5 s. */
  flushIntervalMs?: number
  /**
   * Events kept while delivery is impossible; past it the oldest are dropped and counted. Default 10,000.
   * (Events pushed within the current task wait unprocessed on top of it, at most `maxBatchEvents` once full.)
   */
  maxQueueEvents?: number
  /** Bytes (of JSON) kept while delivery is impossible. Default 5 MiB. */
  maxQueueBytes?: number
  /** Keep accepted events in IndexedDB until acknowledged. Default true; memory only when false. */
  storage?: boolean
  /** The IndexedDB database name, shared by every tab of the origin. Default `marco-sdk-events`. */
  storageName?: string
  /** How long a tab's claim on its stored events outlives its last sign of life. Default 90 s. */
  leaseMs?: number
  /** First retry delay; doubles per failed attempt (full jitter). Default 1 s. */
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
  /** Writes fallbacks and drops to `console.debug` / `console.warn`. */
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
  readonly pending: number
  /** Where events wait: `indexeddb`, or `memory` (storage off, missing, blocked or full). */
  readonly storage: 'indexeddb' | 'memory' | 'opening'
}

interface QueuedEvent extends StoredEvent {
  /** The storage chunk holding it (written or being written); none when it lives in memory only. */
  chunk?: Chunk
  inflight: boolean
  /** Delivered, dropped or purged: out of the queue, to be left out when its chunk is rewritten. */
  gone?: boolean
}

/** A stored chunk as the queue tracks it: the events of it still waiting. */
interface Chunk {
  readonly id: string
  readonly seq: number
  events: QueuedEvent[]
}

/**
 * The delivery pipeline: every feature's events go through it. `push` is synchronous, O(1) and never throws;
 * serialization, size checks and IndexedDB writes happen a tick later, batched, off the caller's path.
 * Events are batched by count, bytes and time; kept in IndexedDB until the server acknowledges them (a
 * reload, crash or closed tab loses nothing: the next page load sends them); retried with exponential backoff
 * and full jitter, honouring `Retry-After`; held while offline; flushed with `keepalive` when the page is
 * hidden or unloaded. Whatever cannot be delivered is dropped by rule and counted, and the counts travel in
 * the next batch.
 *
 * @example
 * const queue = new EventQueue({ endpoint: 'https://collector.example.com/v1/batch' })
 * queue.push({ id: createId(), type: 'track', category: 'analytics', ts: Date.now(), sessionId, payload: { name: 'export' } })
 * await queue.flush() // { sent: 1, dropped: 0, pending: 0 }
 */
export class EventQueue implements EventSink {
  private _o: typeof LIMIT_DEFAULTS
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
  private _stats = { accepted: 0, sent: 0, dropped: 0 }
  private _store: EventStore | undefined
  /** `opening` and `indexeddb` mean new events are written to storage. */
  private _storeState: QueueStats['storage'] = 'memory'
  /** Every IndexedDB operation runs in this one chain, so a record is written before it is confirmed. */
  private _io: Promise<unknown>
  private _ready: Promise<void>
  private _online: boolean
  private _retryAt = 0
  /** Set by a hide or close of the page, until it is visible again. */
  private _hidden = false
  /** Until when this tab's lease on its stored events is known to hold. */
  private _leaseUntil = 0
  private _attempt = 0
  private _draining: Promise<void> | undefined
  private _keepaliveBytes = 0
  private _cancelIngest: Teardown | undefined
  private _cancelFlush: Teardown | undefined
  private _teardowns: Teardown[] = []
  private _stopped = false
  private _warned = new Set<string>()

  constructor(options: EventQueueOptions = {}) {
    this._scope = options.scope ?? globalScope
    this._clock = options.clock ?? Date
    this._monitor = options.monitor ?? createMonitor({ scope: this._scope, debug: options.debug })
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
    limits.maxBatchBytes = Math.min(limits.maxBatchBytes, KEEPALIVE_LIMIT_BYTES)
    this._o = limits
    let transport = options.transport
    if (!transport) {
      if (!options.endpoint) this._warn('no endpoint: events wait')
      transport = options.endpoint
        ? createFetchTransport({ endpoint: options.endpoint, scope: this._scope, timeoutMs: options.requestTimeoutMs })
        : { send: async () => ({ result: 'retry' }) }
    }
    this._transport = transport
    // Unknown counts as online: only an explicit `false` holds delivery back.
    this._online = this._scope.navigator?.onLine !== false

    const monitor = this._monitor
    const scope = this._scope
    this._teardowns.push(
      listen(monitor, scope, 'online', () => void this.resume()),
      listen(monitor, scope, 'offline', () => {
        this._online = false
      }),
      // `pagehide`, never `unload`: an unload listener makes the page ineligible for the back/forward cache.
      listen<PageTransitionEvent>(monitor, scope, 'pagehide', (event) => {
        this._unload()
        // Leaving for good (not into the bfcache): let the next page load take the stored events over now
        // instead of waiting for the lease to run out.
        if (!event.persisted && this._store) this._chain((store) => store.release(this._owner))
      }),
      listen(monitor, scope.document, 'visibilitychange', () => this.hide(scope.document?.visibilityState === 'hidden')),
    )

    const wantStorage = options.storage !== false
    this._io = this._ready = wantStorage ? this._openStore(options.storageName ?? 'marco-sdk-events') : Promise.resolve()
  }

  /**
   * Accepts one event. Synchronous and O(1); never throws; nothing to await. The event is checked,
   * serialized and persisted a tick later together with its neighbours.
   */
  push(event: SdkEvent): void {
    try {
      if (this._stopped) return this._warn('push after stop')
      this._stats.accepted++
      // A burst while the queue is full is processed early, so memory stays within maxQueueEvents plus one batch.
      if (this._incoming.push(event) + this._queue.length > this._o.maxQueueEvents && this._incoming.length >= this._o.maxBatchEvents) this._ingest()
      else if (!this._cancelIngest) {
        this._cancelIngest = startTimeout(this._monitor, () => this._ingest(), 0)
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
        await (this._draining ??= this._drain().finally(() => (this._draining = undefined)))
        if (!this._sendable()) break
      }
      // Resolves once what was not sent is safely in storage, so a caller may let the page go.
      await this._io
    } catch (error) {
      this._monitor.report(error)
    }
    return { sent: this._stats.sent - before.sent, dropped: this._stats.dropped - before.dropped, pending: this.stats().pending }
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
      const removed = this._queue.filter((event) => event.category === category && !event.inflight)
      if (!removed.length) return
      this._discard(removed)
      this._drop(category, 'consent_revoked', removed.length)
    })
  }

  /**
   * Stops timers and listeners and hands the stored events over to the next page load. Events still in
   * memory are written to storage first. Safe to call twice. To deliver first, `await queue.flush()`.
   */
  async stop(): Promise<void> {
    if (this._stopped) return
    try {
      this._ingest()
      this._stopped = true
      for (const teardown of this._teardowns.splice(0)) teardown()
      this._cancelFlush?.()
      this._cancelIngest?.()
      void this._chain(async (store) => {
        this._store = undefined
        await store.release(this._owner)
        store.close()
      })
      await this._io
    } catch (error) {
      this._monitor.report(error)
    }
  }

  private async _openStore(name: string): Promise<void> {
    this._storeState = 'opening'
    try {
      this._store = await openIndexedDbStore(this._scope, name)
      this._storeState = 'indexeddb'
      await this._claim()
      // Keeps this tab's lease alive and adopts the events of tabs that closed or crashed meanwhile.
      if (!this._stopped) this._teardowns.push(startInterval(this._monitor, () => void this._chain(() => this._claim()), this._o.leaseMs / 3))
    } catch (error) {
      this._storeState = 'memory'
      // What was accepted while the store was opening lives in memory only.
      for (const event of this._queue) event.chunk = undefined
      this._warn('no IndexedDB: memory only', error)
    }
  }

  /** Takes over the stored events whose tab is gone (an earlier page load, a closed or crashed tab). */
  private async _claim(): Promise<void> {
    const now = this._clock.now()
    const claimed = await this._store!.claim(this._owner, this._o.leaseMs, now)
    this._leaseUntil = now + this._o.leaseMs
    if (!claimed.length || this._stopped) return
    for (const stored of claimed) {
      const chunk: Chunk = { id: stored.id, seq: stored.seq, events: [] }
      for (const record of stored.events) {
        this._bytes += record.bytes
        chunk.events.push({ ...record, chunk, inflight: false })
      }
      this._queue.push(...chunk.events)
    }
    this._queue.sort((a, b) => a.seq - b.seq)
    this._scheduleFlush(0)
  }

  /** Runs a storage operation after the ones before it; a failure is reported, never thrown. */
  private _chain(operation: (store: EventStore) => Promise<unknown>): Promise<void> {
    const next = this._io.then(() => (this._store ? operation(this._store) : undefined)).catch(this._monitor.report)
    this._io = next
    return next as Promise<void>
  }

  /** Turns pushed events into queued JSON records: validated, serialized, bounded, persisted in one write. */
  private _ingest(): void {
    this._cancelIngest?.()
    this._cancelIngest = undefined
    if (!this._incoming.length) return
    const incoming = this._incoming
    this._incoming = []
    const maxEventBytes = this._o.maxBatchBytes - ENVELOPE_RESERVE_BYTES
    const fresh: QueuedEvent[] = []
    for (const event of incoming) {
      const category = (event && CONSENT_CATEGORIES.includes(event.category) ? event.category : 'analytics') as ConsentCategory
      if (!isValid(event)) {
        this._drop(category, 'invalid')
        continue
      }
      const json = toJson(event)
      if (json === undefined) {
        this._drop(category, 'unserializable')
        continue
      }
      const bytes = utf8Length(json)
      if (bytes > maxEventBytes) {
        this._drop(category, 'too_large')
        continue
      }
      const record: QueuedEvent = {
        id: event.id,
        seq: (this._seq = Math.max(this._seq + 1, this._clock.now() * 1000)),
        category,
        json,
        bytes,
        inflight: false,
      }
      fresh.push(record)
      this._queue.push(record)
      this._bytes += bytes
    }
    // Bounded memory: past either limit the oldest waiting events go, counted.
    const evicted: QueuedEvent[] = []
    let bytes = this._bytes
    for (let i = 0; i < this._queue.length && (this._queue.length - evicted.length > this._o.maxQueueEvents || bytes > this._o.maxQueueBytes); i++) {
      const event = this._queue[i]!
      if (event.inflight) continue
      evicted.push(event)
      bytes -= event.bytes
      this._drop(event.category, 'queue_full')
    }
    if (evicted.length) this._discard(evicted)
    const toWrite = fresh.filter((event) => !event.gone)
    if (toWrite.length && this._storeState !== 'memory') this._write(toWrite)
    if (this._queue.length >= this._o.maxBatchEvents || this._bytes >= this._o.maxBatchBytes) this._scheduleFlush(0)
    else if (this._queue.length) this._scheduleFlush(this._o.flushIntervalMs)
  }

  /** Writes the events of one tick as one chunk. */
  private _write(events: QueuedEvent[]): void {
    const chunk: Chunk = { id: createId(), seq: events[0]!.seq, events }
    for (const event of events) event.chunk = chunk
    this._save(chunk)
  }

  /** Writes a chunk as it is now (its waiting events), or deletes it when none is left. */
  private _save(chunk: Chunk): void {
    void this._chain(async (store) => {
      if (this._storeState === 'memory') return
      if (!chunk.events.length) return store.remove(chunk.id)
      try {
        // Stored as the queue holds them: each event's `chunk` points back into this same record, which the
        // structured clone keeps as one graph, and a claim replaces it.
        await store.put({ id: chunk.id, seq: chunk.seq, owner: this._owner, events: chunk.events })
      } catch (error) {
        // Over quota (or the database went away): keep going in memory; this page loses nothing.
        this._storeState = 'memory'
        for (const event of chunk.events) event.chunk = undefined
        this._warn('IndexedDB full: memory only', error)
      }
    })
  }

  /**
   * Takes events out of the queue for good (delivered, dropped, purged) and out of storage: each chunk they
   * belong to is rewritten with what is left of it, or deleted, after any write still pending for it.
   */
  private _discard(events: QueuedEvent[]): void {
    this._remove(events)
    const chunks = new Set<Chunk>()
    for (const event of events) {
      event.gone = true
      if (event.chunk) chunks.add(event.chunk)
    }
    for (const chunk of chunks) {
      chunk.events = chunk.events.filter((event) => !event.gone)
      this._save(chunk)
    }
  }

  private _sendable(): boolean {
    return this._online && this._clock.now() >= this._retryAt && this._queue.some((event) => !event.inflight)
  }

  /**
   * Sends batch after batch until the queue is empty or delivery has to wait. Sending does not wait for
   * pending storage writes: a delivered event's removal is chained after its write.
   */
  private async _drain(): Promise<void> {
    // The store is open and this page's share of earlier pages' events is claimed (or storage failed).
    await this._ready
    while (this._sendable() && !this._stopped) {
      let batch = this._take(this._o.maxBatchBytes)
      const chunks = [...new Set(batch.map((event) => event.chunk?.id).filter((id) => id !== undefined))]
      // While this tab's lease surely holds, no other tab can have taken its events. Past that (the tab was
      // frozen, its timers throttled), confirm ownership first and send only what is still ours.
      if (chunks.length && this._store && this._clock.now() > this._leaseUntil - this._o.leaseMs / 3) {
        let owned: Set<string> | undefined
        await this._chain(async (store) => {
          const now = this._clock.now()
          owned = await store.confirm(this._owner, chunks, this._o.leaseMs, now)
          this._leaseUntil = now + this._o.leaseMs
        })
        // (A confirm that failed leaves `owned` unset: then nothing is taken for lost.)
        const lost = owned ? this._queue.filter((event) => event.chunk && chunks.includes(event.chunk.id) && !owned!.has(event.chunk.id) && !event.inflight) : []
        if (lost.length) {
          // Another tab has them now: forget them here without touching its storage.
          this._remove(lost)
          batch = batch.filter((event) => !lost.includes(event))
        }
      }
      if (!batch.length) continue
      if (!(await this._send(batch, false))) break
    }
    // Offline: the `online` event resumes. Backing off: resume when the wait is over.
    if (this._queue.length && this._online) {
      const wait = this._retryAt - this._clock.now()
      this._scheduleFlush(wait > 0 ? wait : this._o.flushIntervalMs)
    }
  }

  /** Takes events out of the queue: a cheap splice when they are its oldest (sent or evicted, the usual case). */
  private _remove(events: QueuedEvent[]): void {
    const gone = new Set(events)
    let oldest = 0
    while (oldest < this._queue.length && gone.has(this._queue[oldest]!)) oldest++
    if (oldest === gone.size) this._queue.splice(0, oldest)
    else this._queue = this._queue.filter((event) => !gone.has(event))
    for (const event of events) this._bytes -= event.bytes
  }

  /** The oldest waiting events that fit one request. */
  private _take(maxBytes: number, unloading = false): QueuedEvent[] {
    const batch: QueuedEvent[] = []
    let bytes = ENVELOPE_RESERVE_BYTES
    // No time to confirm ownership while unloading: stored events go only while this tab's lease surely holds.
    const skipStored = unloading && this._clock.now() > this._leaseUntil - this._o.leaseMs / 3
    for (const event of this._queue) {
      if (event.inflight || (skipStored && event.chunk)) continue
      if (batch.length >= this._o.maxBatchEvents || bytes + event.bytes + 1 > maxBytes) break
      batch.push(event)
      bytes += event.bytes + 1
    }
    return batch
  }

  /** Sends one batch; resolves to whether the next one may follow at once. */
  private async _send(batch: QueuedEvent[], unloading: boolean): Promise<boolean> {
    for (const event of batch) event.inflight = true
    const dropped = [...this._drops.values()]
    const sentAt = this._clock.now()
    const context = this._context && this._monitor.call(this._context)
    const envelope = `{"v":${WIRE_VERSION},"sentAt":${sentAt},"sdk":${JSON.stringify(this._sdk)},${context ? `"context":${JSON.stringify(context)},` : ''}"dropped":${JSON.stringify(dropped)},"events":[`
    const body = `${envelope}${batch.map((event) => event.json).join(',')}]}`
    let bodyBytes = utf8Length(envelope) + batch.length + 1
    for (const event of batch) bodyBytes += event.bytes
    if (unloading) this._keepaliveBytes += bodyBytes
    let events: WireEvent[] | undefined
    const wire: WireBatch = {
      v: WIRE_VERSION,
      sentAt,
      sdk: this._sdk,
      context,
      dropped,
      // Parsed only when a transport reads it (adapters); the default transport sends `body` as is.
      get events() {
        return (events ??= batch.map((event) => JSON.parse(event.json) as WireEvent))
      },
    }
    let outcome: Awaited<ReturnType<Transport['send']>>
    try {
      outcome = await this._transport.send(wire, { unloading, body })
    } catch (error) {
      // A custom transport that rejects instead of resolving: treat as a network failure.
      this._monitor.report(error)
      outcome = { result: 'retry' }
    } finally {
      if (unloading) this._keepaliveBytes -= bodyBytes
      for (const event of batch) event.inflight = false
    }
    if (outcome.result === 'retry') {
      this._attempt++
      const backoff = this._random() * Math.min(this._o.retryMaxMs, this._o.retryBaseMs * 2 ** Math.min(this._attempt - 1, 30))
      this._retryAt = this._clock.now() + Math.min(this._o.retryMaxMs, outcome.retryAfterMs ?? backoff)
      return false
    }
    this._discard(batch)
    if (outcome.result === 'sent') {
      this._attempt = 0
      this._retryAt = 0
      this._stats.sent += batch.length
      // The counts this batch carried have reached the server.
      for (const sentDrop of dropped) {
        const key = dropKey(sentDrop)
        const now = this._drops.get(key)
        if (!now) continue
        if (now.count > sentDrop.count) this._drops.set(key, { ...now, count: now.count - sentDrop.count })
        else this._drops.delete(key)
      }
    } else {
      for (const event of batch) this._drop(event.category, 'rejected', 1, outcome.status)
    }
    return true
  }

  /**
   * The page is hidden or closing (`true`: send what fits the keepalive budget now, and what is pushed while
   * hidden at once), or visible again (`false`). Called by the queue's own page listeners; a queue in a
   * worker, which has no page events, is told by its page.
   */
  hide(hidden = true): void {
    if (hidden) this._unload()
    else this._hidden = false
  }

  /** The page is being hidden or closed: send what fits the keepalive budget now, synchronously started. */
  private _unload(): void {
    this._hidden = true
    if (this._stopped) return
    this._ingest()
    if (!this._online || this._clock.now() < this._retryAt) return
    for (;;) {
      const budget = KEEPALIVE_LIMIT_BYTES - this._keepaliveBytes
      const batch = this._take(Math.min(this._o.maxBatchBytes, budget), true)
      if (!batch.length) return
      void this._send(batch, true).catch(this._monitor.report)
    }
  }

  /** Flushes after `delayMs`; an immediate flush replaces a pending timer, a later one leaves it. */
  private _scheduleFlush(delayMs: number): void {
    if (this._stopped || (this._cancelFlush && delayMs > 0)) return
    this._cancelFlush?.()
    this._cancelFlush = startTimeout(
      this._monitor,
      () => {
        this._cancelFlush = undefined
        void this.flush()
      },
      delayMs,
    )
  }

  private _drop(category: ConsentCategory, reason: DropReason, count = 1, status?: number): void {
    this._stats.dropped += count
    const drop: DropCount = status === undefined ? { category, reason, count } : { category, reason, count, status }
    const key = dropKey(drop)
    const known = this._drops.get(key)
    this._drops.set(key, known ? { ...known, count: known.count + count } : drop)
    this._warn(`dropped: ${reason}`)
    if (this._onDrop) this._monitor.call(this._onDrop, drop)
  }

  /** One warning per kind, in debug mode only. */
  private _warn(message: string, detail?: unknown): void {
    if (this._debug && !this._warned.has(message)) {
      this._warned.add(message)
      this._scope.console?.warn(`[marco] queue: ${message}`, detail ?? '')
    }
  }
}

function dropKey(drop: DropCount): string {
  return `${drop.category}|${drop.reason}|${drop.status ?? ''}`
}

function isValid(event: SdkEvent | undefined): event is SdkEvent {
  const text = (value: unknown, min: number, max: number) => typeof value === 'string' && value.length >= min && value.length <= max
  return (
    !!event &&
    text(event.id, 8, 64) &&
    text(event.type, 1, 200) &&
    text(event.sessionId, 0, 64) &&
    CONSENT_CATEGORIES.includes(event.category) &&
    Number.isFinite(event.ts) &&
    event.ts >= 0 &&
    typeof event.payload === 'object' &&
    !!event.payload &&
    !Array.isArray(event.payload)
  )
}

/**
 * Only the wire fields, as JSON; `undefined` when JSON cannot take the payload (a cycle, a BigInt). Features
 * pass app-provided values through `serialize` first; the queue does not carry it, to stay small.
 */
function toJson(event: SdkEvent): string | undefined {
  const { id, type, category, ts, sessionId, payload } = event
  try {
    return JSON.stringify({ id, type, category, ts, sessionId, payload })
  } catch {
    return undefined
  }
}

/** UTF-8 length of a string: its length when ASCII (most JSON), else the length of its encoding. */
export function utf8Length(text: string): number {
  return /[^\0-\x7f]/.test(text) ? new TextEncoder().encode(text).length : text.length
}

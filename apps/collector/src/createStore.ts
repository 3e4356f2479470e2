import { addToSummary, BOUNDS, createSummary } from '@marco/analytics'
import type { WebVital } from '@marco/performance-analytics'
import type { Database } from 'better-sqlite3'
import { COUNTED_KIND, createCountWriter } from './createCountWriter'
import { extractFacts, VITAL_THRESHOLDS, type Facts } from './extractFacts'
import { percentile } from './percentile'
import type { Alert, StoredEvent } from './types'

/** An event as it arrives (already validated). */
export interface IncomingEvent {
  id: string
  type: string
  category: string
  ts: number
  sessionId: string
  payload: Record<string, unknown>
}

/** A client's drop count as it arrives. */
export interface IncomingDrop {
  category: string
  reason: string
  count: number
  status?: number
}

export interface EventQuery {
  type?: string
  category?: string
  sessionId?: string
  limit?: number
}

/** A new alert before it is stored. */
export type AlertDraft = Omit<Alert, 'id' | 'webhook'>

/** Frame-rate histogram bounds, fps: `@marco/analytics`' `BOUNDS.fps` itself, the bounds of its `canvas_summary`. */
export const FPS_BOUNDS = BOUNDS.fps

export type Store = ReturnType<typeof createStore>

/** Every table retention prunes, with the column that dates its rows (ms). */
export const RETAINED_TABLES = {
  events: 'received_at',
  samples: 'received_at',
  drops: 'received_at',
  errors: 'last_seen',
  alerts: 'ts',
  csp_windows: 'window_start',
  session_releases: 'last_seen',
  session_health: 'last_seen',
} as const

export type RetainedTable = keyof typeof RETAINED_TABLES

/** Values kept per Web Vital for its distribution on the dashboard. */
const VITAL_VALUES = 1_000
const MAX_EVENTS_PER_QUERY = 1_000

/**
 * Every query of the collector, as prepared statements over one open database. Writes of a batch go in one
 * transaction: its events (a known id is skipped, so a retried batch is stored once), their samples and
 * error groups, and the client's drop counts.
 *
 * @example
 * const store = createStore(openDatabase(path))
 * store.insertBatch({ events, dropped: [], sdk: '@marco/core 0.1.0', receivedAt: Date.now() }) // { stored: 100,
 * duplicates: 0 }
 */
export function createStore(db: Database) {
  const insertEvent = db.prepare(
    'INSERT OR IGNORE INTO events (id, type, category, ts, received_at, session_id, sdk, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const insertSample = db.prepare('INSERT INTO samples (received_at, metric, value, rating) VALUES (?, ?, ?, ?)')
  const upsertError = db.prepare(
    `INSERT INTO errors (fingerprint, kind, type, message, first_seen, last_seen, count, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen, count = count + excluded.count, event_id = excluded.event_id,
       kind = iif(kind = '${COUNTED_KIND}', excluded.kind, kind), type = iif(kind = '${COUNTED_KIND}', excluded.type, type),
       message = iif(kind = '${COUNTED_KIND}', excluded.message, message), announced = iif(kind = '${COUNTED_KIND}', 0, announced)`,
  )
  // Compact crash_count records add to their group; a group known only from them takes its first event's details.
  const writeCounts = createCountWriter(db)
  const insertDrop = db.prepare(
    'INSERT INTO drops (received_at, category, reason, status, count) VALUES (?, ?, ?, ?, ?)',
  )
  const insertAlertRow = db.prepare(
    'INSERT INTO alerts (ts, rule, key, message, value, threshold, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const updateWebhook = db.prepare('UPDATE alerts SET webhook = ? WHERE id = ?')
  const selectAlerts = db.prepare<AlertRow>('SELECT * FROM alerts ORDER BY id DESC LIMIT ?')
  const countByType = db.prepare<{ type: string; category: string; n: number }>(
    'SELECT type, category, count(*) AS n FROM events GROUP BY type, category',
  )
  const perSecond = db.prepare<{ s: number; n: number }>(
    'SELECT received_at / 1000 AS s, count(*) AS n FROM events WHERE received_at >= ? GROUP BY s',
  )
  // total(), a float sum: sum() of integers throws "integer overflow" past 2^63, and one such group would make
  // every /v1/stats fail until retention deleted its rows.
  const dropTotals = db.prepare<{ category: string; reason: string; status: number | null; n: number }>(
    'SELECT category, reason, status, total(count) AS n FROM drops GROUP BY category, reason, status ORDER BY n DESC',
  )
  const topErrors = db.prepare<ErrorRow>(
    `SELECT e.fingerprint, e.kind, e.type, e.message, e.first_seen, e.last_seen, e.count, v.payload
     FROM errors e LEFT JOIN events v ON v.id = e.event_id ORDER BY e.count DESC, e.last_seen DESC LIMIT ?`,
  )
  const sampleValues = db.prepare<{ value: number; rating: string | null }>(
    'SELECT value, rating FROM samples WHERE metric = ? ORDER BY received_at DESC LIMIT ?',
  )
  // Readings received within the same 5 s are one point (their worst value): the chart stays readable.
  const collabPoints = db.prepare<{ t: number; worst: number; n: number }>(
    'SELECT (received_at / 5000) * 5000 AS t, max(value) AS worst, count(*) AS n FROM samples WHERE metric = ? AND received_at >= ? GROUP BY t',
  )
  // Aggregates run in SQL over the samples table: no stored payload is parsed again, and no array of
  // unbounded length reaches JavaScript.
  const sumSince = db.prepare<{ n: number }>(
    'SELECT total(value) AS n FROM samples WHERE metric = ? AND received_at >= ?',
  )
  const maxSince = db.prepare<{ worst: number | null; n: number }>(
    'SELECT max(value) AS worst, count(*) AS n FROM samples WHERE metric = ? AND received_at >= ?',
  )
  const countSince = db.prepare<{ n: number }>(
    'SELECT count(*) AS n FROM samples WHERE metric = ? AND received_at >= ?',
  )
  const rankedSince = db.prepare<{ value: number }>(
    'SELECT value FROM samples WHERE metric = ? AND received_at >= ? ORDER BY value LIMIT 2 OFFSET ?',
  )
  const unannouncedSpan = db.prepare<{ last: number | null; n: number }>(
    "SELECT max(rowid) AS last, count(CASE WHEN kind = 'exception' THEN 1 END) AS n FROM errors WHERE announced = 0",
  )
  const unannounced = db.prepare<ErrorRow>(
    "SELECT * FROM errors WHERE announced = 0 AND kind = 'exception' AND rowid <= ? ORDER BY first_seen, rowid LIMIT ?",
  )
  const announce = db.prepare('UPDATE errors SET announced = 1 WHERE announced = 0 AND rowid <= ?')
  const writeHealth = db.prepare(
    'INSERT INTO health (id, written_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at',
  )
  const findCspWindow = db.prepare<{ event_id: string; count: number }>(
    'SELECT event_id, count FROM csp_windows WHERE window_start = ? AND directive = ? AND blocked_uri = ? AND document_url = ?',
  )
  const insertCspWindow = db.prepare(
    'INSERT INTO csp_windows (window_start, directive, blocked_uri, document_url, event_id, count) VALUES (?, ?, ?, ?, ?, 1)',
  )
  const bumpCspWindow = db.prepare(
    'UPDATE csp_windows SET count = count + 1 WHERE window_start = ? AND directive = ? AND blocked_uri = ? AND document_url = ?',
  )
  const updatePayload = db.prepare('UPDATE events SET payload = ? WHERE id = ?')

  /** Stores one event and its facts; false when its id is known. */
  function insertOne(event: IncomingEvent, sdk: string, receivedAt: number): boolean {
    const { changes } = insertEvent.run(
      event.id,
      event.type,
      event.category,
      event.ts,
      receivedAt,
      event.sessionId,
      sdk,
      JSON.stringify(event.payload),
    )
    if (!changes) return false
    if (writeCounts(event, receivedAt)) return true
    let facts: Facts
    try {
      facts = extractFacts(event.type, event.payload)
    } catch {
      // A value the collector cannot read (it is valid JSON, so the event is stored): it adds no facts.
      return true
    }
    for (const sample of facts.samples) insertSample.run(receivedAt, sample.metric, sample.value, sample.rating)
    const error = facts.error
    if (error)
      upsertError.run(
        error.fingerprint,
        error.kind,
        error.type,
        error.message,
        receivedAt,
        receivedAt,
        error.count,
        event.id,
      )
    return true
  }

  const insertAll = db.transaction(
    (
      events: readonly IncomingEvent[],
      dropped: readonly IncomingDrop[],
      sdk: string,
      receivedAt: number,
      onStored?: (stored: readonly IncomingEvent[]) => void,
    ) => {
      const stored = events.filter((event) => insertOne(event, sdk, receivedAt))
      onStored?.(stored)
      // A batch whose events were all known is a retry: its drop counts were stored with its first delivery. A
      // batch without events cannot be told apart from its own retry; its drop counts are stored each time.
      if (stored.length || !events.length)
        for (const drop of dropped)
          insertDrop.run(receivedAt, drop.category, drop.reason, drop.status ?? null, drop.count)
      return stored.length
    },
  )

  const countCsp = db.transaction((events: readonly IncomingEvent[], windowMs: number, receivedAt: number) => {
    const windowStart = Math.floor(receivedAt / windowMs) * windowMs
    let stored = 0
    let counted = 0
    for (const event of events) {
      const key = [
        windowStart,
        String(event.payload.directive ?? ''),
        String(event.payload.blockedUri ?? ''),
        String(event.payload.documentUrl ?? ''),
      ]
      const known = findCspWindow.get(...key)
      if (known) {
        bumpCspWindow.run(...key)
        updatePayload.run(JSON.stringify({ ...event.payload, count: known.count + 1 }), known.event_id)
        const error = extractFacts(event.type, event.payload).error
        if (error)
          upsertError.run(
            error.fingerprint,
            error.kind,
            error.type,
            error.message,
            receivedAt,
            receivedAt,
            1,
            known.event_id,
          )
        counted++
      } else if (insertOne({ ...event, payload: { ...event.payload, count: 1 } }, 'browser csp-report', receivedAt)) {
        insertCspWindow.run(...key, event.id)
        stored++
      }
    }
    return { stored, counted }
  })

  return {
    /**
     * Stores a batch in one transaction; duplicates (known ids) are skipped and counted, and a batch whose every
     * event is a duplicate (a retry) adds no drop counts. `onStored` runs inside the transaction with the events
     * actually stored (a write it makes is kept or undone with theirs).
     */
    insertBatch(batch: {
      events: readonly IncomingEvent[]
      dropped?: readonly IncomingDrop[]
      sdk: string
      receivedAt: number
      onStored?: (stored: readonly IncomingEvent[]) => void
    }): { stored: number; duplicates: number } {
      const stored = insertAll(batch.events, batch.dropped ?? [], batch.sdk, batch.receivedAt, batch.onStored)
      return { stored, duplicates: batch.events.length - stored }
    },

    /**
     * Stores CSP violation events counted per (directive, blocked URI, document) and `windowMs` window: the
     * first of a window is an event with `count: 1`, each repeat raises that event's `count`.
     */
    insertCspReports(
      events: readonly IncomingEvent[],
      windowMs: number,
      receivedAt: number,
    ): { stored: number; counted: number } {
      return countCsp(events, windowMs, receivedAt)
    },

    /** Writes the one-row health table: throws when the database cannot be written. */
    probeWrite(now: number): void {
      writeHealth.run(now)
    },

    /** Deletes up to `limit` rows of `table` older than `cutoff` (ms); returns how many. */
    deleteOlderThan(table: RetainedTable, cutoff: number, limit: number): number {
      const column = RETAINED_TABLES[table]
      return db
        .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${column} < ? LIMIT ?)`)
        .run(cutoff, limit).changes
    },

    /** Newest first, payloads parsed. */
    listEvents(query: EventQuery = {}): StoredEvent[] {
      const where: string[] = []
      const params: unknown[] = []
      if (query.type) where.push('type = ?'), params.push(query.type)
      if (query.category) where.push('category = ?'), params.push(query.category)
      if (query.sessionId) where.push('session_id = ?'), params.push(query.sessionId)
      const limit = Math.min(MAX_EVENTS_PER_QUERY, Math.max(1, Math.floor(query.limit ?? 100) || 100))
      const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY received_at DESC, rowid DESC LIMIT ${limit}`
      return db
        .prepare<EventRow>(sql)
        .all(...params)
        .map(toStoredEvent)
    },

    /** Everything the dashboard shows, computed at `now`. */
    stats(now: number) {
      // Maps, not objects: a client's event type may be `__proto__` or `constructor`.
      const byType = new Map<string, number>()
      const byCategory = new Map<string, number>()
      let total = 0
      for (const row of countByType.all()) {
        byType.set(row.type, (byType.get(row.type) ?? 0) + row.n)
        byCategory.set(row.category, (byCategory.get(row.category) ?? 0) + row.n)
        total += row.n
      }
      const since = Math.floor(now / 1000) * 1000 - 59_000
      const counts = new Map(perSecond.all(since).map((row) => [Math.floor(row.s), row.n]))
      const eventsPerSecond = Array.from({ length: 60 }, (_, i) => {
        const second = since / 1000 + i
        return { t: second * 1000, count: counts.get(second) ?? 0 }
      })
      const drops = dropTotals
        .all()
        .map((row) => ({ category: row.category, reason: row.reason, status: row.status, count: row.n }))
      const webVitals = Object.fromEntries(
        (Object.keys(VITAL_THRESHOLDS) as WebVital['name'][]).map((name) => [name, vitalStats(name)]),
      )
      const fpsValues = sampleValues.all('fps', VITAL_VALUES).map((row) => row.value)
      // Binned as analytics bins them: the same bounds, the same function.
      const fpsSummary = createSummary(FPS_BOUNDS)
      for (const value of fpsValues) addToSummary(fpsSummary, value, FPS_BOUNDS)
      const fpsHist = fpsSummary.hist
      const sortedFps = fpsValues.slice().sort((a, b) => a - b)
      return {
        now,
        total,
        byType: Object.fromEntries(byType),
        byCategory: Object.fromEntries(byCategory),
        eventsPerSecond,
        drops,
        topErrors: topErrors.all(10).map(toErrorSummary),
        webVitals,
        fps: {
          bounds: FPS_BOUNDS,
          hist: fpsHist,
          count: fpsValues.length,
          p50: percentile(sortedFps, 0.5),
          p5: percentile(sortedFps, 0.05),
        },
        collaboration: collabSeries(now - 30 * 60_000),
        alerts: this.listAlerts(10),
      }
    },

    /** Exceptions received since `since`, each weighted by its `count` (repeats the client deduplicated). */
    exceptionsSince(since: number): number {
      return sumSince.get('exceptions', since)?.n ?? 0
    },

    /** The largest value of one metric received at or after `since`, and how many there were. */
    worstSince(metric: string, since: number): { worst: number | null; count: number } {
      const row = maxSince.get(metric, since)
      return { worst: row?.worst ?? null, count: row?.n ?? 0 }
    },

    /** The `q` quantile (interpolated, as `percentile`) of one metric received at or after `since`. */
    quantileSince(metric: string, since: number, q: number): { value: number | null; count: number } {
      const count = countSince.get(metric, since)?.n ?? 0
      if (!count) return { value: null, count }
      const rank = (count - 1) * Math.min(1, Math.max(0, q))
      const low = Math.floor(rank)
      const [a, b = a] = rankedSince.all(metric, since, low).map((row) => row.value)
      return { value: a! + (b! - a!) * (rank - low), count }
    },

    /**
     * Exception groups not announced yet (each group once, ever: a flag in the file, so a restart does not
     * announce old errors again): how many, the first `limit` of them, and `upTo` to pass to
     * `markAnnounced` once their alert is stored. Groups of other crash kinds are marked with them.
     */
    newErrorGroups(limit: number) {
      const span = unannouncedSpan.get()
      const upTo = span?.last ?? 0
      const groups = unannounced.all(upTo, limit).map((row) => ({
        fingerprint: row.fingerprint,
        type: row.type,
        message: row.message,
        firstSeen: row.first_seen,
        count: row.count,
      }))
      return { total: span?.n ?? 0, upTo, groups }
    },

    /** Marks the groups `newErrorGroups` returned (and older) as announced. */
    markAnnounced(upTo: number): void {
      announce.run(upTo)
    },

    insertAlert(alert: AlertDraft): Alert {
      const { lastInsertRowid } = insertAlertRow.run(
        alert.ts,
        alert.rule,
        alert.key,
        alert.message,
        alert.value,
        alert.threshold,
        JSON.stringify(alert.details),
      )
      return { ...alert, id: Number(lastInsertRowid), webhook: null }
    },

    setWebhookResult(id: number, result: string): void {
      updateWebhook.run(result, id)
    },

    /** Newest first. */
    listAlerts(limit = 50): Alert[] {
      return selectAlerts.all(Math.min(1000, Math.max(1, limit))).map(toAlert)
    },
  }

  function vitalStats(name: WebVital['name']) {
    const rows = sampleValues.all(`vital.${name}`, VITAL_VALUES)
    const values = rows.map((row) => row.value)
    const sorted = values.slice().sort((a, b) => a - b)
    const ratings = { good: 0, 'needs-improvement': 0, poor: 0 } as Record<string, number>
    for (const row of rows) if (row.rating && row.rating in ratings) ratings[row.rating]!++
    return {
      count: values.length,
      p50: percentile(sorted, 0.5),
      p75: percentile(sorted, 0.75),
      p95: percentile(sorted, 0.95),
      thresholds: VITAL_THRESHOLDS[name],
      ratings,
      values: sorted,
    }
  }

  function collabSeries(since: number) {
    const points = new Map<number, { t: number; p50?: number; p95?: number; p99?: number; n: number }>()
    for (const metric of ['p50', 'p95', 'p99'] as const) {
      for (const row of collabPoints.all(`collab.${metric}`, since)) {
        const point = points.get(row.t) ?? { t: row.t, n: 0 }
        point[metric] = row.worst
        if (metric === 'p50') point.n = row.n
        points.set(row.t, point)
      }
    }
    return [...points.values()].sort((a, b) => a.t - b.t).slice(-360)
  }
}

interface EventRow {
  id: string
  type: string
  category: string
  ts: number
  received_at: number
  session_id: string
  sdk: string
  payload: string
}

interface ErrorRow {
  fingerprint: string
  kind: string
  type: string
  message: string
  first_seen: number
  last_seen: number
  count: number
  payload?: string | null
}

interface AlertRow {
  id: number
  ts: number
  rule: string
  key: string
  message: string
  value: number | null
  threshold: number | null
  details: string
  webhook: string | null
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    category: row.category,
    ts: row.ts,
    receivedAt: row.received_at,
    sessionId: row.session_id,
    sdk: row.sdk,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  }
}

function toAlert(row: AlertRow): Alert {
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> }
}

/** An error group with the newest frames of its latest event's first exception (up to 8). */
function toErrorSummary(row: ErrorRow) {
  let frames: {
    function: string
    file: string
    line?: number
    column?: number
    inApp?: boolean
    module?: string
    functionIndex?: number
    offset?: string
  }[] = []
  let level: string | undefined
  try {
    const payload = row.payload ? (JSON.parse(row.payload) as Record<string, any>) : {}
    level = typeof payload.level === 'string' ? payload.level : undefined
    const first = Array.isArray(payload.exceptions) ? payload.exceptions[0] : undefined
    if (Array.isArray(first?.frames)) {
      frames = first.frames.slice(0, 8).map((frame: Record<string, unknown>) => ({
        function: String(frame.function ?? '?'),
        file: String(frame.file ?? ''),
        line: typeof frame.line === 'number' ? frame.line : undefined,
        column: typeof frame.column === 'number' ? frame.column : undefined,
        inApp: frame.inApp === true,
        // A WebAssembly frame's module, function index and byte offset: what its symbol is read against.
        ...(typeof frame.module === 'string' && { module: frame.module.slice(0, 200) }),
        ...(Number.isInteger(frame.functionIndex) && { functionIndex: frame.functionIndex as number }),
        ...(typeof frame.offset === 'string' && { offset: frame.offset.slice(0, 20) }),
      }))
    }
  } catch {
    // An unreadable payload still has its group row.
  }
  return {
    fingerprint: row.fingerprint,
    kind: row.kind,
    type: row.type,
    message: row.message,
    count: row.count,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    level,
    frames,
  }
}

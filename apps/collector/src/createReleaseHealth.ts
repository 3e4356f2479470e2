import type { Database } from 'better-sqlite3'
import { countInteractions } from './countInteractions'
import { FINGERPRINT_LENGTH } from './createCountWriter'

/** The health of one release over the sessions retained. */
export interface ReleaseHealth {
  /** `null`: sessions whose batches named no release. */
  release: string | null
  sessions: number
  /** Sessions with at least one `exception` event. */
  crashedSessions: number
  /** Share of sessions without an exception, 0–1. */
  crashFreeRate: number
  /**
   * Exceptions, each weighted by its `count` (repeats the client counted instead of sending), plus the
   * occurrences of exceptions its `crash_count` records add.
   */
  errors: number
  /** `track` calls plus the canvas actions and gestures of `canvas_summary` windows. */
  interactions: number
  /** `errors` per 1,000 `interactions`; `null` without interactions. */
  errorsPer1000Interactions: number | null
  firstSeen: number
  lastSeen: number
}

export type ReleaseHealthService = ReturnType<typeof createReleaseHealth>

/** Events read per transaction when the per-session counts catch up with ingest. */
const SCAN_CHUNK = 5_000
/** Releases listed, most recently seen first. */
const MAX_RELEASES = 100
const RELEASE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/
/** Event types whose payload is read while counting. */
const READ_PAYLOAD = new Set(['track', 'canvas_summary', 'exception', 'crash_count'])

const validRelease = (value: unknown): value is string => typeof value === 'string' && RELEASE.test(value)

/**
 * Release health: each session's release (from the batch context the SDK sends, else an exception's own
 * `release`), and per session its events, interactions and exceptions, counted from the events table by a
 * cursor (each stored event once, whatever retries brought it twice). `releases()` gives per release the
 * sessions, crash-free rate and errors per 1,000 interactions. A session that changes release (a reload
 * after a deploy) counts for its latest one.
 *
 * @example
 * const health = createReleaseHealth(db)
 * store.insertBatch({ ...batch, onStored: (stored) => health.noteSessions(batch.context, stored, now) }) // ingest
 * health.releases() // [{ release: '2.0.3', sessions: 120, crashFreeRate: 0.983, errorsPer1000Interactions: 0.4, … }]
 */
export function createReleaseHealth(db: Database) {
  const noteRelease = db.prepare(
    `INSERT INTO session_releases (session_id, release, last_seen) VALUES (?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET release = excluded.release, last_seen = max(last_seen, excluded.last_seen)`,
  )
  const noteReleaseIfUnknown = db.prepare(
    'INSERT INTO session_releases (session_id, release, last_seen) VALUES (?, ?, ?) ON CONFLICT (session_id) DO NOTHING',
  )
  const readCursor = db.prepare<{ last_rowid: number }>('SELECT last_rowid FROM health_scan WHERE id = 1')
  const writeCursor = db.prepare(
    'INSERT INTO health_scan (id, last_rowid) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last_rowid = excluded.last_rowid',
  )
  const maxRowid = db.prepare<{ n: number | null }>('SELECT max(rowid) AS n FROM events')
  const nextEvents = db.prepare<{
    rowid: number
    session_id: string
    type: string
    received_at: number
    payload: string | null
  }>(
    `SELECT rowid, session_id, type, received_at, CASE WHEN type IN (${[...READ_PAYLOAD].map((type) => `'${type}'`).join(', ')}) THEN payload END AS payload
     FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  )
  // A crash_count record counts a fingerprint's occurrences; only an exception's add to the errors.
  const kindOf = db.prepare<{ kind: string }>('SELECT kind FROM errors WHERE fingerprint = ?')
  const addToSession = db.prepare(
    `INSERT INTO session_health (session_id, first_seen, last_seen, events, interactions, exceptions) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
       events = events + excluded.events, interactions = interactions + excluded.interactions, exceptions = exceptions + excluded.exceptions`,
  )
  const perRelease = db.prepare<{
    release: string | null
    sessions: number
    crashed: number
    errors: number
    interactions: number
    first_seen: number
    last_seen: number
  }>(
    `SELECT r.release, count(*) AS sessions, total(h.exceptions > 0) AS crashed, total(h.exceptions) AS errors, total(h.interactions) AS interactions,
       min(h.first_seen) AS first_seen, max(h.last_seen) AS last_seen
     FROM session_health h LEFT JOIN session_releases r ON r.session_id = h.session_id
     GROUP BY r.release ORDER BY last_seen DESC LIMIT ${MAX_RELEASES}`,
  )

  const scanChunk = db.transaction((): number => {
    let cursor = readCursor.get()?.last_rowid ?? 0
    // Retention deleted every event (rowids start again at 1): what is there now is all new.
    if (cursor > (maxRowid.get()?.n ?? 0)) cursor = 0
    const rows = nextEvents.all(cursor, SCAN_CHUNK)
    const sessions = new Map<
      string,
      { first: number; last: number; events: number; interactions: number; exceptions: number }
    >()
    for (const row of rows) {
      cursor = row.rowid
      if (!row.session_id) continue
      let session = sessions.get(row.session_id)
      if (!session)
        sessions.set(
          row.session_id,
          (session = { first: row.received_at, last: row.received_at, events: 0, interactions: 0, exceptions: 0 }),
        )
      session.first = Math.min(session.first, row.received_at)
      session.last = Math.max(session.last, row.received_at)
      session.events++
      if (row.payload === null) continue
      let payload: Record<string, unknown>
      try {
        payload = JSON.parse(row.payload) as Record<string, unknown>
      } catch {
        continue
      }
      session.interactions += countInteractions(row.type, payload)
      if (row.type === 'exception') {
        const count = payload.count
        session.exceptions +=
          typeof count === 'number' && Number.isFinite(count) && count >= 1 ? Math.min(Math.floor(count), 1e9) : 1
        if (validRelease(payload.release)) noteReleaseIfUnknown.run(row.session_id, payload.release, row.received_at)
      } else if (row.type === 'crash_count') {
        const { fingerprint, count } = payload
        if (typeof fingerprint === 'string' && Number.isInteger(count) && (count as number) >= 1)
          if (kindOf.get(fingerprint.slice(0, FINGERPRINT_LENGTH))?.kind === 'exception')
            session.exceptions += Math.min(count as number, 1e9)
      }
    }
    for (const [id, s] of sessions) addToSession.run(id, s.first, s.last, s.events, s.interactions, s.exceptions)
    if (rows.length) writeCursor.run(cursor)
    return rows.length
  })

  return {
    /**
     * Records the release a batch's context names for each session of `events` (ignored when absent or not a short
     * printable text). Pass only the events the batch stored, inside its transaction: a retried older batch, all
     * duplicates, must not move a session back to its old release.
     */
    noteSessions(context: unknown, events: readonly { sessionId: string }[], receivedAt: number): void {
      const release = context && typeof context === 'object' ? (context as { release?: unknown }).release : undefined
      if (!validRelease(release)) return
      const seen = new Set<string>()
      for (const { sessionId } of events) {
        if (!sessionId || seen.has(sessionId)) continue
        seen.add(sessionId)
        noteRelease.run(sessionId, release, receivedAt)
      }
    },

    /** Counts the events stored since the last call into their sessions; returns how many were read. */
    update(): number {
      let read = 0
      for (let n = scanChunk(); n > 0; n = scanChunk()) read += n
      return read
    },

    /** Per release (up to 100, most recently seen first), after counting what arrived since the last call. */
    releases(): ReleaseHealth[] {
      try {
        this.update()
      } catch (error) {
        // Another connection holds the write lock (an operator's VACUUM): answer from the counts made so far.
        if (!String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY')) throw error
      }
      return perRelease.all().map((row) => ({
        release: row.release,
        sessions: row.sessions,
        crashedSessions: row.crashed,
        crashFreeRate: row.sessions ? (row.sessions - row.crashed) / row.sessions : 1,
        errors: row.errors,
        interactions: row.interactions,
        errorsPer1000Interactions: row.interactions ? (row.errors * 1000) / row.interactions : null,
        firstSeen: row.first_seen,
        lastSeen: row.last_seen,
      }))
    },
  }
}

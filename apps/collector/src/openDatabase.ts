import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { migrate } from './migrations'

/**
 * How long a statement waits for another connection's lock (an operator's VACUUM, a long write from the sqlite3
 * shell) before it fails with SQLITE_BUSY, ms. better-sqlite3 waits synchronously, blocking the whole event loop:
 * every other request, reads included, waits as long. Short, then: `writeOrRefuse` answers a busy write with 503
 * and `Retry-After`, and the SDK retries. The collector's own writes share one connection and never wait on each
 * other.
 */
export const BUSY_TIMEOUT_MS = 50

/** At start, before the server listens, nothing else waits: opening and migrating may wait longer for a lock, ms. */
const STARTUP_BUSY_TIMEOUT_MS = 5_000

/**
 * Opens (or creates) the collector's SQLite file in WAL mode and migrates it (waiting up to 5 s for a lock), then
 * lowers the busy timeout to `BUSY_TIMEOUT_MS`. WAL lets the dashboard read while a batch is written;
 * `synchronous = NORMAL` is durable across application crashes (not power loss), the usual choice with WAL.
 *
 * @example
 * const db = openDatabase('/var/lib/marco/collector.db')
 */
export function openDatabase(path: string): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new BetterSqlite3(path, { timeout: STARTUP_BUSY_TIMEOUT_MS })
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    // WAL's only fsyncs are at checkpoints: one per ~40 MB of WAL instead of the default ~4 MB more than
    // doubles the ingest rate on an ordinary disk (bench/collector.bench.mjs).
    db.pragma('wal_autocheckpoint = 10000')
    db.pragma('foreign_keys = ON')
    migrate(db)
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

import type { Database } from 'better-sqlite3'

/**
 * The schema, as an append-only list: migration `i` takes a database at `user_version` i to i + 1. Never edit
 * a shipped entry; add one.
 *
 * @example
 * MIGRATIONS.length // the schema version a fresh database ends at
 */
export const MIGRATIONS: readonly string[] = [
  // 1: events (one row per event id: a retried batch is stored once), drop counts, error groups, alerts.
  // A rowid table with a unique id index, not WITHOUT ROWID: random UUID keys would scatter whole rows over
  // the b-tree; this way rows append and only the small index takes random inserts (2.5x the ingest rate).
  `CREATE TABLE events (
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     category TEXT NOT NULL,
     ts REAL NOT NULL,
     received_at INTEGER NOT NULL,
     session_id TEXT NOT NULL,
     sdk TEXT NOT NULL,
     payload TEXT NOT NULL
   );
   CREATE INDEX events_received ON events (received_at);
   CREATE INDEX events_type ON events (type, received_at);
   CREATE TABLE drops (
     received_at INTEGER NOT NULL,
     category TEXT NOT NULL,
     reason TEXT NOT NULL,
     status INTEGER,
     count INTEGER NOT NULL
   );
   CREATE TABLE errors (
     fingerprint TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     type TEXT NOT NULL,
     message TEXT NOT NULL,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     count INTEGER NOT NULL,
     event_id TEXT NOT NULL,
     -- 0 until the new-fingerprint rule has seen the group.
     announced INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX errors_unannounced ON errors (announced) WHERE announced = 0;
   CREATE TABLE alerts (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts INTEGER NOT NULL,
     rule TEXT NOT NULL,
     key TEXT NOT NULL,
     message TEXT NOT NULL,
     value REAL,
     threshold REAL,
     details TEXT NOT NULL,
     webhook TEXT
   );`,
  // 2: numeric samples read out of events at ingest (web vitals, frame rate, collaboration latency), so the
  // dashboard and the alert rules never parse payloads.
  `CREATE TABLE samples (
     received_at INTEGER NOT NULL,
     metric TEXT NOT NULL,
     value REAL NOT NULL,
     rating TEXT
   );
   CREATE INDEX samples_metric ON samples (metric, received_at);`,
  // 3: a one-row table /healthz writes to (a real write probe); CSP reports counted per (directive, blocked
  // URI, document) and window instead of one event each; indexes for retention by age. The error-rate rule
  // now sums `exceptions` samples instead of reading payloads (exceptions received before this migration
  // are not in that sum: the rule looks at one minute).
  `CREATE TABLE health (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     written_at INTEGER NOT NULL
   );
   CREATE TABLE csp_windows (
     window_start INTEGER NOT NULL,
     directive TEXT NOT NULL,
     blocked_uri TEXT NOT NULL,
     document_url TEXT NOT NULL,
     event_id TEXT NOT NULL,
     count INTEGER NOT NULL,
     PRIMARY KEY (window_start, directive, blocked_uri, document_url)
   );
   CREATE INDEX samples_received ON samples (received_at);
   CREATE INDEX drops_received ON drops (received_at);
   CREATE INDEX errors_last_seen ON errors (last_seen);
   CREATE INDEX alerts_ts ON alerts (ts);`,
  // 4: source maps uploaded per release and asset file name; release health: each session's release (from the
  // batch context), per-session counts (events, interactions, exceptions) and the events rowid counted up to.
  `CREATE TABLE source_maps (
     release TEXT NOT NULL,
     file TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     uploaded_at INTEGER NOT NULL,
     map TEXT NOT NULL,
     PRIMARY KEY (release, file)
   );
   CREATE TABLE session_releases (
     session_id TEXT PRIMARY KEY,
     release TEXT NOT NULL,
     last_seen INTEGER NOT NULL
   );
   CREATE INDEX session_releases_last_seen ON session_releases (last_seen);
   CREATE TABLE session_health (
     session_id TEXT PRIMARY KEY,
     first_seen INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     events INTEGER NOT NULL,
     interactions INTEGER NOT NULL,
     exceptions INTEGER NOT NULL
   );
   CREATE INDEX session_health_last_seen ON session_health (last_seen);
   CREATE TABLE health_scan (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     last_rowid INTEGER NOT NULL
   );`,
]

/**
 * Brings a database to the latest schema: runs the migrations after its `user_version`, each in its own
 * transaction together with the version bump. Running it again does nothing. Returns the versions before
 * and after.
 *
 * @example
 * migrate(db) // { from: 0, to: 3 }, then { from: 3, to: 3 }
 */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number
  if (from > migrations.length)
    throw new Error(`database schema version ${from} is newer than this collector (${migrations.length})`)
  for (let version = from; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return { from, to: migrations.length }
}

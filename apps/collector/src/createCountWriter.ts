import type { Database } from 'better-sqlite3'

/**
 * The `kind` of an error group known so far only from `crash_count` records: its first event has not arrived (it
 * may arrive later, or never, when the SDK's per-minute limit held it back). The first event of the fingerprint
 * that arrives gives the group its kind, type and message.
 */
export const COUNTED_KIND = 'counted'

/** The fingerprint length error groups are keyed by (an event's longer fingerprint is cut here too). */
export const FINGERPRINT_LENGTH = 1000

/**
 * Stores the facts of the crash reporter's compact `crash_count` records (`{ fingerprint, count }`: occurrences it
 * counted and did not send, sent at the latest on page hide): `count` is added to that fingerprint's error group,
 * which is created (kind {@link COUNTED_KIND}) when the fingerprint is not known yet, so no count is ever lost. The
 * group's latest event stays the last real event (its frames are what the dashboard shows). Counts added to an
 * `exception` group also feed the error-rate rule (the `exceptions` sample). Returns a writer: `true` when the
 * event was such a record (handled; a payload outside the schema's bounds adds nothing), `false` for any other type.
 * Runs inside the store's batch transaction, after the event row itself was stored (a retried batch adds nothing).
 *
 * @example
 * const writeCounts = createCountWriter(db)
 * writeCounts({ id, type: 'crash_count', payload: { fingerprint: 'TypeError|x|draw@…', count: 9999 } }, Date.now())
 */
export function createCountWriter(
  db: Database,
): (event: { id: string; type: string; payload: Record<string, unknown> }, receivedAt: number) => boolean {
  const addCount = db.prepare<{ kind: string }>(
    `INSERT INTO errors (fingerprint, kind, type, message, first_seen, last_seen, count, event_id)
     VALUES (?, '${COUNTED_KIND}', 'counted', ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen, count = count + excluded.count
     RETURNING kind`,
  )
  const addSample = db.prepare('INSERT INTO samples (received_at, metric, value, rating) VALUES (?, ?, ?, NULL)')
  return (event, receivedAt) => {
    if (event.type !== 'crash_count') return false
    const { fingerprint, count } = event.payload
    // The schema refuses anything else; kept lenient for a store written by other means.
    if (typeof fingerprint !== 'string' || !fingerprint || !Number.isInteger(count)) return true
    if ((count as number) < 1 || (count as number) > 1e9) return true
    const key = fingerprint.slice(0, FINGERPRINT_LENGTH)
    const row = addCount.get(key, key.slice(0, 500), receivedAt, receivedAt, count, event.id)
    if (row?.kind === 'exception') addSample.run(receivedAt, 'exceptions', count)
    return true
  }
}

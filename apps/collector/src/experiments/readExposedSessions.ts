import type { Database } from 'better-sqlite3'
import { EXPOSURE_EVENT } from '@marco/experiments'
import type { MetricSpec } from './parseMetric'

/** One exposed session of one experiment: its first exposure, whether it converted, its metric value. */
export interface ExposedSession {
  readonly experiment: string
  readonly variant: string
  readonly unitId: string | null
  readonly converted: 0 | 1
  readonly value: number | null
  /** Exposures of this experiment in this session that named another variant (0 when assignment is sticky). */
  readonly otherVariants: number
}

/**
 * Reads, in one SQL pass, every session exposed to an experiment (its first `experiment_exposure` per
 * experiment), joined with whether the session sent the `track` event `conversion` and its value of
 * `metric`. Payload fields are read with SQLite's JSON functions, every value bound as a parameter.
 *
 * @example
 * const rows = readExposedSessions(db, 'stroke_drawn', parseMetric('errors') as MetricSpec)
 */
export function readExposedSessions(db: Database, conversion: string, metric: MetricSpec): ExposedSession[] {
  const value = metric.aggregate === 'count' ? 'COUNT(*)' : 'AVG(json_extract(payload, @path))'
  const where = metric.where ? 'AND json_extract(payload, @wherePath) = @whereValue' : ''
  const sql = `
    WITH exposures AS (
      SELECT session_id, json_extract(payload, '$.experiment') AS experiment, json_extract(payload, '$.variant') AS variant,
             json_extract(payload, '$.unitId') AS unit_id,
             ROW_NUMBER() OVER (PARTITION BY json_extract(payload, '$.experiment'), session_id ORDER BY ts, rowid) AS nth
      FROM events WHERE type = @exposure
    ),
    firsts AS (
      SELECT f.*, (SELECT COUNT(*) FROM exposures o WHERE o.experiment = f.experiment AND o.session_id = f.session_id AND o.variant IS NOT f.variant) AS other
      FROM exposures f WHERE nth = 1 AND typeof(experiment) = 'text' AND typeof(variant) = 'text'
    ),
    conversions AS (
      SELECT DISTINCT session_id FROM events WHERE type = 'track' AND json_extract(payload, '$.name') = @conversion
    ),
    metric AS (
      SELECT session_id, ${value} AS value FROM events WHERE type = @metricType ${where} GROUP BY session_id
    )
    SELECT f.experiment, f.variant, CASE WHEN typeof(f.unit_id) = 'text' THEN f.unit_id END AS unitId,
           c.session_id IS NOT NULL AS converted,
           ${metric.aggregate === 'count' ? 'COALESCE(m.value, 0)' : 'm.value'} AS value, f.other AS otherVariants
    FROM firsts f
    LEFT JOIN conversions c ON c.session_id = f.session_id
    LEFT JOIN metric m ON m.session_id = f.session_id`
  const parameters: Record<string, string> = { exposure: EXPOSURE_EVENT, conversion, metricType: metric.type }
  if (metric.path) parameters.path = metric.path
  if (metric.where) [parameters.wherePath, parameters.whereValue] = metric.where
  return db
    .prepare<ExposedSession>(sql)
    .all(parameters)
    .map((row) => ({ ...row, value: typeof row.value === 'number' && Number.isFinite(row.value) ? row.value : null }))
}

/**
 * The newest exposure payload of each experiment (what the SDK says its definition is), and the `track`
 * names exposed sessions sent, most frequent first (what the dashboard offers as conversions).
 *
 * @example
 * const { payloads, trackNames } = readExperimentFacts(db)
 */
export function readExperimentFacts(db: Database): { payloads: Record<string, unknown>[]; trackNames: string[] } {
  const payloads = (
    db
      .prepare(
        `SELECT payload, MAX(rowid) FROM events WHERE type = ? GROUP BY json_extract(payload, '$.experiment') LIMIT 100`,
      )
      .all(EXPOSURE_EVENT) as { payload: string }[]
  ).map((row) => JSON.parse(row.payload) as Record<string, unknown>)
  const trackNames = (
    db
      .prepare(
        `SELECT json_extract(payload, '$.name') AS name, COUNT(*) AS count FROM events
         WHERE type = 'track' AND session_id IN (SELECT session_id FROM events WHERE type = ?)
           AND typeof(json_extract(payload, '$.name')) = 'text'
         GROUP BY name ORDER BY count DESC, name LIMIT 20`,
      )
      .all(EXPOSURE_EVENT) as { name: string }[]
  ).map((row) => row.name)
  return { payloads, trackNames }
}

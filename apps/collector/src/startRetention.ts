import { setImmediate as nextTurn } from 'node:timers/promises'
import { RETAINED_TABLES, type RetainedTable, type Store } from './createStore'
import type { Clock } from './types'

/** Rows deleted per statement: the event loop (and ingest) gets a turn between chunks. */
const RETENTION_CHUNK_ROWS = 5_000
const DAY_MS = 86_400_000

export interface RetentionOptions {
  store: Store
  clock: Clock
  /** Rows older than this are deleted; `0` keeps everything. */
  days: number
  intervalMs: number
  log?: (message: string) => void
}

export interface Retention {
  /** Deletes what is past retention now; resolves with the rows deleted per table. */
  run(): Promise<Record<string, number>>
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>
}

/**
 * Deletes rows older than `days` from every table (events, samples, drops, error groups by last sighting,
 * alerts, CSP counting windows), at start and every `intervalMs`, in chunks so a large backlog never blocks
 * ingest. One run at a time.
 *
 * @example
 * const retention = startRetention({ store, clock: Date, days: 7, intervalMs: 3_600_000 })
 * await retention.run() // { events: 1200, samples: 300, … }
 */
export function startRetention(options: RetentionOptions): Retention {
  const { store, clock, days, log } = options
  let running: Promise<Record<string, number>> | undefined
  let stopped = false

  async function prune(): Promise<Record<string, number>> {
    const deleted: Record<string, number> = {}
    if (!(days > 0)) return deleted
    const cutoff = clock.now() - days * DAY_MS
    for (const table of Object.keys(RETAINED_TABLES) as RetainedTable[]) {
      deleted[table] = 0
      for (;;) {
        if (stopped) return deleted
        const changes = store.deleteOlderThan(table, cutoff, RETENTION_CHUNK_ROWS)
        deleted[table] += changes
        if (changes < RETENTION_CHUNK_ROWS) break
        await nextTurn()
      }
    }
    return deleted
  }

  const run = (): Promise<Record<string, number>> => {
    const next = (running ?? Promise.resolve({})).catch(() => ({})).then(prune)
    running = next
    return next
  }
  const tick = () => {
    run()
      .then((deleted) => {
        const total = Object.values(deleted).reduce((sum, n) => sum + n, 0)
        if (total)
          log?.(
            `retention (${days} days): deleted ${Object.entries(deleted)
              .map(([table, n]) => `${n} ${table}`)
              .join(', ')}`,
          )
      })
      .catch((error: unknown) => log?.(`retention failed: ${(error as Error).message}`))
  }
  const first = setTimeout(tick, 0)
  const timer = setInterval(tick, options.intervalMs)
  first.unref()
  timer.unref()
  return {
    run,
    async stop() {
      stopped = true
      clearTimeout(first)
      clearInterval(timer)
      await running?.catch(() => undefined)
    },
  }
}

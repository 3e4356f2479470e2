import { statSync } from 'node:fs'

/** How often the file is checked besides each write and each /healthz. */
export const DATABASE_CHECK_MS = 5_000

export interface DatabaseFileWatch {
  /**
   * Why the database cannot be trusted with writes (its file deleted or replaced), or `undefined`. Checks the file now.
   */
  fault(): string | undefined
  stop(): void
}

/**
 * Watches the SQLite file the collector opened: when the path no longer leads to the same file (deleted,
 * or replaced by another: a different device or inode), SQLite would go on writing to the unlinked file and
 * every event acknowledged from then on would be lost at the next restart. Once seen, the fault stays (the
 * collector must be restarted) and is logged once, loudly. Checked on each call of `fault()` and every
 * `DATABASE_CHECK_MS`. An in-memory database has no file and never faults.
 *
 * @example
 * const watch = watchDatabaseFile('/data/marco.db', console.error)
 * if (watch.fault()) return sendJson(res, 503, { error: 'storage_unavailable', message: watch.fault() })
 */
export function watchDatabaseFile(path: string, log?: (message: string) => void): DatabaseFileWatch {
  if (path === ':memory:' || path === '') return { fault: () => undefined, stop: () => {} }
  const opened = statSync(path)
  let fault: string | undefined
  const check = (): string | undefined => {
    if (fault) return fault
    const now = statSync(path, { throwIfNoEntry: false })
    if (!now) fault = `the database file ${path} was deleted while the collector ran`
    else if (now.dev !== opened.dev || now.ino !== opened.ino)
      fault = `the database file ${path} was replaced while the collector ran`
    if (fault) {
      fault += '; new events are refused (503) so that none is acknowledged and then lost: restart the collector'
      log?.(`ERROR ${fault}`)
    }
    return fault
  }
  const timer = setInterval(check, DATABASE_CHECK_MS)
  timer.unref()
  return { fault: check, stop: () => clearInterval(timer) }
}

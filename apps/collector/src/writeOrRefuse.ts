import type { ServerResponse } from 'node:http'
import type { CollectorContext } from './context'
import { sendJson } from './sendJson'

/** What a client waits before retrying a write the store refused, s. */
const STORAGE_RETRY_AFTER_S = 30

/**
 * Runs a store write for an ingest request, unless the store cannot be trusted: when the database file was
 * deleted or replaced, or SQLite fails the write (read-only, disk full, I/O error), it answers 503 with
 * `Retry-After` (the SDK keeps the events and retries) and resolves to `undefined`. Never acknowledges
 * events it did not store.
 *
 * @example
 * const result = writeOrRefuse(res, context, () => context.store.insertBatch(batch))
 * if (result === undefined) return
 */
export function writeOrRefuse<T>(res: ServerResponse, context: CollectorContext, write: () => T): T | undefined {
  const refuse = (message: string) => {
    sendJson(res, 503, { error: 'storage_unavailable', message }, { 'retry-after': String(STORAGE_RETRY_AFTER_S) })
    return undefined
  }
  const fault = context.database.fault()
  if (fault) return refuse(fault)
  try {
    return write()
  } catch (error) {
    if (!String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_')) throw error
    context.log?.(`ERROR the database refused a write: ${(error as Error).message}`)
    return refuse(`the collector cannot write its database (${(error as Error).message}); retry later`)
  }
}

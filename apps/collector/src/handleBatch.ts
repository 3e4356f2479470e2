import type { IncomingMessage, ServerResponse } from 'node:http'
import { MAX_BATCH_EVENTS, type WireBatch } from '@marco/core'
import type { CollectorContext } from './context'
import { findTooDeep } from './findTooDeep'
import { guardIngest } from './guardIngest'
import { scanBatchText, type BatchTextScan } from './scanBatchText'
import { sendJson } from './sendJson'
import { writeOrRefuse } from './writeOrRefuse'

/** The wire format version this collector reads (`@marco/core`'s `schema/batch.v1.json`). */
export const SUPPORTED_WIRE_VERSION = 1

/**
 * Events one batch may carry (the SDK's default `maxBatchEvents`); checked before the schema, so validation work
 * is bounded.
 */
export const MAX_EVENTS_PER_BATCH = MAX_BATCH_EVENTS

/**
 * Levels of arrays and objects an event's payload may nest (the payload object is level 1). Deeper is refused
 * at ingest: nothing stored can overflow a stack or SQLite's JSON depth limit later.
 */
export const MAX_PAYLOAD_DEPTH = 64

/** The SDK sends `text/plain` (no CORS preflight, and what `sendBeacon` sends); other clients send JSON. */
const BATCH_CONTENT_TYPES = ['text/plain', 'application/json']

/**
 * `POST /v1/batch`: one SDK batch. A batch is stored whole or not at all. Before the schema is checked, the
 * number of events (413 past `MAX_EVENTS_PER_BATCH`, counted in the text before parsing) and the nesting depth (400
 * past `MAX_PAYLOAD_DEPTH`
 * levels in a payload) are; then the schema (400, stopping at the first problem, naming the event). A valid
 * batch is stored in one transaction, each id once (a retry stores nothing new), and answered
 * `{ accepted, stored, duplicates }`. When the store cannot write, 503 with `Retry-After`.
 *
 * @example
 * // curl -H 'content-type: text/plain' --data @batch.json http://127.0.0.1:4318/v1/batch
 * await handleBatch(req, res, context)
 */
export async function handleBatch(req: IncomingMessage, res: ServerResponse, context: CollectorContext): Promise<void> {
  let scan: BatchTextScan | undefined
  const parsed = await guardIngest(req, res, context, BATCH_CONTENT_TYPES, (text) => {
    scan = scanBatchText(text, MAX_EVENTS_PER_BATCH)
    return scan.events !== undefined && scan.events > MAX_EVENTS_PER_BATCH
      ? { status: 413, body: tooManyEvents() }
      : undefined
  })
  if (parsed === undefined) return
  const body = parsed.body
  const record =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as { v?: unknown; events?: unknown }) : {}
  const version = record.v
  if (version !== undefined && version !== SUPPORTED_WIRE_VERSION) {
    const shown =
      typeof version === 'number' || typeof version === 'string'
        ? JSON.stringify(version).slice(0, 40)
        : `of type ${typeof version}`
    return sendJson(res, 400, {
      error: 'unsupported_version',
      message: `wire format version ${shown} is not supported; this collector reads version ${SUPPORTED_WIRE_VERSION}`,
      supported: [SUPPORTED_WIRE_VERSION],
    })
  }
  if (Array.isArray(record.events) && record.events.length > MAX_EVENTS_PER_BATCH)
    return sendJson(res, 413, tooManyEvents())
  // Payloads sit at level 4 of the body (batch → events → event → payload). The text scan measured the depth;
  // only a body past the limit is walked, to name where.
  const deep = scan && scan.depth <= MAX_PAYLOAD_DEPTH + 3 ? undefined : findTooDeep(body, MAX_PAYLOAD_DEPTH + 3)
  if (deep !== undefined) {
    return sendJson(res, 400, {
      error: 'too_deep',
      message: `${deep.slice(0, 200)}${deep.length > 200 ? '…' : ''} nests deeper than this collector accepts: a payload may nest ${MAX_PAYLOAD_DEPTH} levels of objects and arrays`,
      limit: MAX_PAYLOAD_DEPTH,
      invalidEvents: invalidEvents(record.events, [deep]),
    })
  }
  const problems = context.validate(body)
  if (problems.length) {
    const list = problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')
    return sendJson(res, 400, {
      error: 'schema_violation',
      message: `the batch does not match batch.v1.json: ${list}`,
      problems,
      invalidEvents: invalidEvents(
        record.events,
        problems.map((problem) => problem.path),
      ),
    })
  }
  const batch = body as WireBatch
  const receivedAt = context.clock.now()
  const result = writeOrRefuse(res, context, () =>
    context.store.insertBatch({
      events: batch.events,
      dropped: batch.dropped,
      sdk: `${batch.sdk.name} ${batch.sdk.version}`,
      receivedAt,
      // Only the events stored name their sessions' release: a retried older batch must not move a session back.
      onStored: (stored) => context.releases?.noteSessions(batch.context, stored, receivedAt),
    }),
  )
  if (result === undefined) return
  sendJson(res, 200, { accepted: batch.events.length, stored: result.stored, duplicates: result.duplicates })
  if (result.stored || batch.dropped.length) context.stream.changed(result.stored)
}

function tooManyEvents() {
  return {
    error: 'too_many_events',
    message: `the batch has more than ${MAX_EVENTS_PER_BATCH} events; this collector takes at most ${MAX_EVENTS_PER_BATCH} per batch (the SDK's default batch is 100)`,
    limit: MAX_EVENTS_PER_BATCH,
  }
}

/** The events (index, and id when it is a string) that the problem paths point into. */
function invalidEvents(events: unknown, paths: readonly string[]): { index: number; id?: string }[] {
  const found = new Map<number, { index: number; id?: string }>()
  for (const path of paths) {
    const match = /^\/events\/(\d+)(?:\/|$)/.exec(path)
    if (!match) continue
    const index = Number(match[1])
    const id = Array.isArray(events) ? (events[index] as { id?: unknown } | undefined)?.id : undefined
    found.set(index, typeof id === 'string' ? { index, id: id.slice(0, 64) } : { index })
  }
  return [...found.values()]
}

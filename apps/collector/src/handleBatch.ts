import type { IncomingMessage, ServerResponse } from 'node:http'
import type { WireBatch } from '@marco/core'
import type { CollectorContext } from './context'
import { guardIngest } from './guardIngest'
import { sendJson } from './sendJson'

/** The wire format version this collector reads (`@marco/core`'s `schema/batch.v1.json`). */
export const SUPPORTED_WIRE_VERSION = 1

/** The SDK sends `text/plain` (no CORS preflight, and what `sendBeacon` sends); other clients send JSON. */
const BATCH_CONTENT_TYPES = ['text/plain', 'application/json']

/**
 * `POST /v1/batch`: one SDK batch. Nothing is stored unless the whole batch is valid; then its events are
 * stored in one transaction, each id once (a retry of the same batch stores nothing new). Answers
 * `{ accepted, stored, duplicates }`, or a 4xx JSON error whose `error` names the problem and whose
 * `message` (and `problems` for schema violations) say where.
 *
 * @example
 * // curl -H 'content-type: text/plain' --data @batch.json http://127.0.0.1:4318/v1/batch
 * await handleBatch(req, res, context)
 */
export async function handleBatch(req: IncomingMessage, res: ServerResponse, context: CollectorContext): Promise<void> {
  const parsed = await guardIngest(req, res, context, BATCH_CONTENT_TYPES)
  if (parsed === undefined) return
  const body = parsed.body
  const version = body && typeof body === 'object' && !Array.isArray(body) ? (body as { v?: unknown }).v : undefined
  if (version !== undefined && version !== SUPPORTED_WIRE_VERSION) {
    return sendJson(res, 400, {
      error: 'unsupported_version',
      message: `wire format version ${JSON.stringify(version)} is not supported; this collector reads version ${SUPPORTED_WIRE_VERSION}`,
      supported: [SUPPORTED_WIRE_VERSION],
    })
  }
  const problems = context.validate(body)
  if (problems.length) {
    const list = problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')
    return sendJson(res, 400, { error: 'schema_violation', message: `the batch does not match batch.v1.json: ${list}`, problems })
  }
  const batch = body as WireBatch
  const { stored, duplicates } = context.store.insertBatch({
    events: batch.events,
    dropped: batch.dropped,
    sdk: `${batch.sdk.name} ${batch.sdk.version}`,
    receivedAt: context.clock.now(),
  })
  sendJson(res, 200, { accepted: batch.events.length, stored, duplicates })
  if (stored || batch.dropped.length) context.stream.changed(stored)
}

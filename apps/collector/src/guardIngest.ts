import type { IncomingMessage, ServerResponse } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { isOriginAllowed } from './applyCors'
import type { CollectorContext } from './context'
import { invalidUrl, parseRequestUrl } from './parseRequestUrl'
import { BodyTooLargeError, readBody } from './readBody'
import { sendJson } from './sendJson'

/**
 * The checks every ingest endpoint runs before it looks at the data: the method, the browser origin, the
 * client's rate, the content type, the body size, the encoding, the endpoint's own `precheck` of the text (run
 * before parsing: a cheap refusal of what would be costly to parse), and that the body is JSON. Answers the
 * request itself (405, 403, 429, 415, 413, 400) and resolves to `undefined` when one fails; otherwise to the
 * parsed body.
 *
 * A gzip body is named by `?encoding=gzip` in the URL (what the SDK sends: a header would cost a CORS
 * preflight) or by `Content-Encoding: gzip`. It is inflated with the same limit as a plain body, so a gzip
 * bomb stops at `maxBodyBytes` of output with a 413.
 *
 * @example
 * const parsed = await guardIngest(req, res, context, ['text/plain', 'application/json'])
 * if (parsed === undefined) return
 * handle(parsed.body)
 */
export async function guardIngest(
  req: IncomingMessage,
  res: ServerResponse,
  context: CollectorContext,
  contentTypes: readonly string[],
  precheck?: (text: string) => { status: number; body: Record<string, unknown> } | undefined,
): Promise<{ body: unknown } | undefined> {
  if (req.method !== 'POST') {
    sendJson(
      res,
      405,
      { error: 'method_not_allowed', message: `${req.method} is not allowed here; use POST` },
      { allow: 'POST, OPTIONS' },
    )
    return undefined
  }
  const origin = req.headers.origin
  if (!isOriginAllowed(origin, context.allowedOrigins)) {
    sendJson(res, 403, {
      error: 'origin_not_allowed',
      message: `origin ${origin} is not in the collector's allowed origins`,
    })
    return undefined
  }
  const wait = context.limiter?.take(req.socket.remoteAddress ?? '?') ?? 0
  if (wait) {
    req.resume()
    sendJson(
      res,
      429,
      { error: 'rate_limited', message: `too many requests from this client; retry after ${wait} s` },
      { 'retry-after': String(wait) },
    )
    return undefined
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (!contentTypes.includes(type)) {
    req.resume()
    sendJson(res, 415, {
      error: 'unsupported_media_type',
      message: `content-type ${type || '(none)'} is not accepted here; send ${contentTypes.join(' or ')}`,
    })
    return undefined
  }
  const url = parseRequestUrl(req)
  if (!url) {
    req.resume()
    sendJson(res, 400, invalidUrl(req))
    return undefined
  }
  const encoding = (url.searchParams.get('encoding') ?? req.headers['content-encoding'] ?? 'identity').toLowerCase()
  if (encoding !== 'gzip' && encoding !== 'identity') {
    req.resume()
    sendJson(res, 415, {
      error: 'unsupported_encoding',
      message: `encoding ${encoding} is not accepted; send gzip or identity`,
    })
    return undefined
  }
  let text: string
  try {
    const bytes = await readBody(req, context.maxBodyBytes)
    text = (encoding === 'gzip' ? inflate(bytes, context.maxBodyBytes) : bytes).toString('utf8')
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // The client may still be sending: close after answering rather than reading the rest on a kept-alive socket.
      sendJson(
        res,
        413,
        {
          error: 'payload_too_large',
          message: `the body exceeds the limit of ${error.limit} bytes`,
          limit: error.limit,
        },
        { connection: 'close' },
      )
    } else if (!res.headersSent) {
      sendJson(res, 400, { error: 'bad_request', message: String((error as Error).message) })
    }
    return undefined
  }
  const refusal = precheck?.(text)
  if (refusal) {
    sendJson(res, refusal.status, refusal.body)
    return undefined
  }
  try {
    return { body: JSON.parse(text) as unknown }
  } catch (error) {
    sendJson(res, 400, { error: 'invalid_json', message: `the body is not JSON: ${(error as Error).message}` })
    return undefined
  }
}

/** Inflates a gzip body, never past `maxBytes` of output (a bomb becomes a BodyTooLargeError). */
function inflate(bytes: Buffer, maxBytes: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes })
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(maxBytes)
    throw new Error(`the body is not valid gzip: ${(error as Error).message}`)
  }
}

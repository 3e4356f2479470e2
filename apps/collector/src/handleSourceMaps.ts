import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CollectorContext } from './context'
import { BodyTooLargeError, readBody } from './readBody'
import { sendJson } from './sendJson'
import { writeOrRefuse } from './writeOrRefuse'

/** The upload limit when the context names none (`startCollector` always does). */
const DEFAULT_MAX_SOURCE_MAP_BYTES = 16 * 1024 * 1024

/**
 * `POST /v1/sourcemaps?release=R&file=URL-or-path`: one source map, as the body, for one built asset of one
 * release (a build step calls it; browsers never do). Needs `Authorization: Bearer <uploadToken>` (401
 * otherwise, 403 when the collector has no upload token); the body is limited to `maxSourceMapBytes` (413),
 * must be a valid version-3 map (400 naming the problem) and the file a plain file name (400). Answers 201
 * `{ release, file, bytes }`; an upload for the same release and file replaces the map.
 *
 * @example
 * // curl -X POST -H "authorization: Bearer $TOKEN" --data-binary @dist/assets/main-1.js.map \
 * //   "http://127.0.0.1:4318/v1/sourcemaps?release=2.0.3&file=assets/main-1.js"
 * await handleSourceMaps(req, res, url, context)
 */
export async function handleSourceMaps(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  context: CollectorContext,
): Promise<void> {
  const maps = context.sourceMaps
  if (req.method !== 'POST') {
    req.resume()
    return sendJson(
      res,
      405,
      { error: 'method_not_allowed', message: `${req.method} /v1/sourcemaps is not allowed; POST a map` },
      { allow: 'POST' },
    )
  }
  if (!maps || !context.uploadToken) {
    req.resume()
    return sendJson(res, 403, {
      error: 'uploads_disabled',
      message: 'this collector takes no source map uploads: start it with uploadToken (--upload-token)',
    })
  }
  if (!hasBearer(req, context.uploadToken)) {
    req.resume()
    return sendJson(
      res,
      401,
      { error: 'unauthorized', message: 'send the upload token: Authorization: Bearer <token>' },
      { 'www-authenticate': 'Bearer realm="marco-collector uploads"' },
    )
  }
  const limit = context.maxSourceMapBytes ?? DEFAULT_MAX_SOURCE_MAP_BYTES
  let body: Buffer
  try {
    body = await readBody(req, limit)
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return sendJson(
        res,
        413,
        {
          error: 'payload_too_large',
          message: `a source map may have at most ${limit} bytes (maxSourceMapBytes)`,
          limit,
        },
        { connection: 'close' },
      )
    }
    throw error
  }
  const release = url.searchParams.get('release')
  const file = url.searchParams.get('file')
  const refused = writeOrRefuse(
    res,
    context,
    () => maps.upload(release, file, body.toString('utf8'), context.clock.now()) ?? null,
  )
  if (refused === undefined) return
  if (refused) return sendJson(res, refused.status, { error: refused.error, message: refused.message })
  sendJson(res, 201, {
    release,
    file: file!
      .replace(/[?#].*$/s, '')
      .split('/')
      .pop(),
    bytes: body.length,
  })
}

function hasBearer(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization
  const presented = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ''
  return presented !== '' && timingSafeEqual(digest(presented), digest(token))
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/**
 * Whether a read request carries the collector's read token: `Authorization: Bearer <token>`, or `?token=`
 * in the URL (an `EventSource` and a first dashboard visit cannot set a header). Always true when no token is
 * configured. Compared in constant time (both sides hashed to the same length first).
 *
 * @example
 * if (!hasReadToken(req, url, context.readToken)) return sendJson(res, 401, { error: 'unauthorized', … })
 */
export function hasReadToken(req: IncomingMessage, url: URL, token: string | undefined): boolean {
  if (token === undefined) return true
  const header = req.headers.authorization
  const presented = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : url.searchParams.get('token')
  if (!presented) return false
  return timingSafeEqual(digest(presented), digest(token))
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

import type { ServerResponse } from 'node:http'

/**
 * Answers with a JSON body (`no-store`: the read API is live data).
 *
 * @example
 * sendJson(res, 400, { error: 'invalid_json', message: 'Unexpected end of JSON input' })
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(text)
}

import type { IncomingMessage } from 'node:http'

/**
 * The request target as a URL, or `undefined` when it is not one (`//[`, `//%`, `//:99999/v1/batch`: `new URL`
 * throws on them), so the caller can answer 400 instead of failing with a 500.
 *
 * @example
 * parseRequestUrl(req)?.pathname // '/v1/batch'
 */
export function parseRequestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', 'http://collector')
  } catch {
    return undefined
  }
}

/** The 400 body for a request target that is not a URL. */
export function invalidUrl(req: IncomingMessage): { error: string; message: string } {
  return {
    error: 'invalid_url',
    message: `the request target ${JSON.stringify(String(req.url).slice(0, 100))} is not a valid URL`,
  }
}

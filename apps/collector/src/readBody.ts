import type { IncomingMessage } from 'node:http'

/** The body was larger than allowed. */
export class BodyTooLargeError extends Error {
  readonly limit: number
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`)
    this.limit = limit
  }
}

/**
 * Reads a request body's bytes, refusing one over `maxBytes`: at once when `content-length` says so,
 * else as soon as the bytes received pass it. The rest of a refused body is read and discarded, so the
 * answer reaches a client that is still sending.
 *
 * @example
 * const bytes = await readBody(req, 1024 * 1024) // rejects with BodyTooLargeError past 1 MiB
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (declared > maxBytes) {
      req.resume()
      return reject(new BodyTooLargeError(maxBytes))
    }
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    req.on('data', (chunk: Buffer) => {
      if (refused) return
      size += chunk.length
      if (size > maxBytes) {
        refused = true
        chunks.length = 0
        return reject(new BodyTooLargeError(maxBytes))
      }
      chunks.push(chunk)
    })
    req.on('end', () => refused || resolve(Buffer.concat(chunks, size)))
    req.on('error', reject)
    req.on('aborted', () => reject(new Error('request aborted')))
  })
}

import { readFileSync } from 'node:fs'
import { connect, constants, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'

export interface H2Response {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  /** The body as sent (still compressed when content-encoding is set). */
  readonly raw: Buffer
  /** The body decoded from its content-encoding. */
  readonly body: Buffer
  /** The ALPN protocol the TLS connection negotiated. */
  readonly protocol: string | undefined
}

/** An HTTP/2 client session that trusts the test's self-signed certificate (and nothing else). */
export function h2Session(origin: string, certDir: string): ClientHttp2Session {
  return connect(origin, { ca: readFileSync(join(certDir, 'fullchain.pem')), servername: 'localhost' })
}

/** One HTTP/2 request on `session`; resolves with the status, headers and both raw and decoded body. */
export async function h2Request(
  session: ClientHttp2Session,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      // Node would send the TLS servername (localhost) as :authority; a browser sends the URL's host.
      [constants.HTTP2_HEADER_AUTHORITY]: new URL(session.originSet?.[0] ?? 'https://127.0.0.1').host,
      [constants.HTTP2_HEADER_METHOD]: options.method ?? 'GET',
      [constants.HTTP2_HEADER_PATH]: path,
      'accept-encoding': 'br, gzip',
      ...options.headers,
    })
    const chunks: Buffer[] = []
    let headers: IncomingHttpHeaders = {}
    stream.on('response', (h) => (headers = h))
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('error', reject)
    stream.on('end', () => {
      const raw = Buffer.concat(chunks)
      const encoding = headers['content-encoding']
      let body = raw
      try {
        body = encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'gzip' ? gunzipSync(raw) : raw
      } catch (error) {
        return reject(error)
      }
      resolve({ status: Number(headers[':status']), headers, raw, body, protocol: session.alpnProtocol })
    })
    stream.end(options.body)
  })
}

/** Closes a session and waits for it. */
export async function closeSession(session: ClientHttp2Session): Promise<void> {
  if (session.closed) return
  await new Promise<void>((resolve) => session.close(() => resolve()))
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request handler for one path of the file server. */
export type FileRoute = (req: IncomingMessage, res: ServerResponse) => void

export interface FileServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string
  /** Requests per path (query string ignored). */
  readonly hits: Map<string, number>
  /** Request headers per path, oldest first. */
  readonly headers: Map<string, IncomingMessage['headers'][]>
  /** Handlers by exact path; any other path answers an HTML 404 page. */
  readonly routes: Map<string, FileRoute>
  /** Serves `body` at `path` with a content type (default `application/wasm`) and extra headers. */
  file(path: string, body: Uint8Array | string, contentType?: string, headers?: Record<string, string>): void
  close(): Promise<void>
}

/**
 * A real HTTP server on 127.0.0.1 that serves files from memory and counts the requests per path, for tests
 * of what a loader really fetches (status codes, MIME types, retries, caching). An unknown path gets a 404
 * with an HTML body, as a misconfigured server or an app's fallback page would send.
 *
 * @example
 * const server = await startFileServer()
 * server.file('/core.wasm', bytes)
 * await fetch(`${server.origin}/core.wasm`)
 * server.hits.get('/core.wasm') // 1
 */
export async function startFileServer(): Promise<FileServer> {
  const hits = new Map<string, number>()
  const headers = new Map<string, IncomingMessage['headers'][]>()
  const routes = new Map<string, FileRoute>()
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
    headers.set(path, [...(headers.get(path) ?? []), req.headers])
    const route = routes.get(path)
    if (route) route(req, res)
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<!doctype html><h1>Not found</h1>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    headers,
    routes,
    file(path, body, contentType = 'application/wasm', extra = {}) {
      routes.set(path, (_req, res) => res.writeHead(200, { 'content-type': contentType, ...extra }).end(body))
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Handlers that never answer (to test time-outs) would otherwise keep close() waiting.
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

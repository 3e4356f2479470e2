import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** What the test server answers to one batch request; `'network-error'` destroys the socket unanswered. */
export type CollectorReply = { status: number; headers?: Record<string, string>; body?: string } | 'network-error'

export interface ReceivedBatch {
  readonly at: number
  readonly status: number | 'network-error'
  readonly body: unknown
  /** Bytes on the wire (compressed, when `encoding` says so). */
  readonly bytes: number
  /** `gzip` when the URL named it (`?encoding=gzip`). */
  readonly encoding?: string
}

export interface TestCollector {
  /** `http://127.0.0.1:PORT/v1/batch` */
  readonly endpoint: string
  readonly origin: string
  /** Every batch request, answered or not, in arrival order. */
  readonly requests: ReceivedBatch[]
  /** Event ids of the batches it answered 2xx, in order (duplicates kept, so a test can see them). */
  readonly storedIds: string[]
  /** Drop counts the stored batches reported. */
  readonly dropped: { category: string; reason: string; count: number; status?: number }[]
  /** Decides the reply to the n-th batch request (0-based), which carried `body`; default 200. */
  reply: (index: number, body: unknown) => CollectorReply
  /** Extra routes (e.g. a test page), by exact path. */
  routes: Map<string, (req: IncomingMessage, res: ServerResponse) => void>
  close(): Promise<void>
}

/**
 * A real HTTP collector on 127.0.0.1 for delivery tests: stores the event ids of every batch it accepts.
 * Bounded: it refuses bodies over 2 MB, stops after `maxRequests`, and closes itself after `lifetimeMs`.
 *
 * @example
 * const collector = await startTestCollector()
 * collector.reply = (n) => (n < 5 ? { status: 500 } : { status: 200 })
 */
export async function startTestCollector(
  options: { maxRequests?: number; lifetimeMs?: number } = {},
): Promise<TestCollector> {
  const { maxRequests = 50_000, lifetimeMs = 120_000 } = options
  let batchIndex = 0
  const collector = {
    requests: [] as ReceivedBatch[],
    storedIds: [] as string[],
    dropped: [] as TestCollector['dropped'],
    reply: (() => ({ status: 200 })) as TestCollector['reply'],
    routes: new Map<string, (req: IncomingMessage, res: ServerResponse) => void>(),
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://collector')
    const path = url.pathname
    const encoding = url.searchParams.get('encoding') ?? undefined
    const route = collector.routes.get(path)
    if (route) return route(req, res)
    if (req.method !== 'POST' || path !== '/v1/batch' || batchIndex >= maxRequests) {
      res.writeHead(404).end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > 2_000_000) req.destroy()
      else chunks.push(chunk)
    })
    req.on('end', () => {
      let body: unknown
      let raw = ''
      try {
        const bytes = Buffer.concat(chunks)
        raw = (encoding === 'gzip' ? gunzipSync(bytes, { maxOutputLength: 8_000_000 }) : bytes).toString('utf8')
        body = JSON.parse(raw)
      } catch {
        body = raw
      }
      const reply = collector.reply(batchIndex++, body)
      const at = Date.now()
      if (reply === 'network-error') {
        collector.requests.push({ at, status: 'network-error', body, bytes: size, encoding })
        res.socket?.destroy()
        return
      }
      collector.requests.push({ at, status: reply.status, body, bytes: size, encoding })
      if (reply.status >= 200 && reply.status < 300 && body && typeof body === 'object') {
        const batch = body as { events?: { id: string }[]; dropped?: TestCollector['dropped'] }
        for (const event of batch.events ?? []) collector.storedIds.push(event.id)
        collector.dropped.push(...(batch.dropped ?? []))
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      res.end(reply.body ?? '{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const lifetime = setTimeout(() => void close(), lifetimeMs)
  lifetime.unref()
  let closing: Promise<void> | undefined
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime)
      server.closeAllConnections()
      server.close(() => resolve())
    }))
  const origin = `http://127.0.0.1:${port}`
  return Object.assign(collector, { endpoint: `${origin}/v1/batch`, origin, close })
}

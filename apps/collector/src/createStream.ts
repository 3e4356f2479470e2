import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendJson } from './sendJson'

/** How often a change is announced at most. */
const THROTTLE_MS = 250
/** A comment line keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000
/**
 * Bytes a stream may hold unsent before it is closed: a client that stopped reading (a stalled tab, a dead
 * link) would otherwise make the collector queue every update and alert for it without bound. `EventSource`
 * reconnects by itself (after the stream's `retry: 2000`).
 */
export const MAX_STREAM_BACKLOG_BYTES = 1024 * 1024

export interface Stream {
  /** `GET /v1/stream`: registers a server-sent-events client (503 past the cap). */
  handle(req: IncomingMessage, res: ServerResponse): void
  /** Something was stored: an `update` event follows within 250 ms (one per burst). */
  changed(events: number): void
  /** Sends one named event to every client now. */
  send(name: string, data: unknown): void
  /** Clients connected. */
  readonly size: number
  /** Ends every stream (shutdown). */
  close(): void
}

/**
 * A server-sent-events hub for the dashboard: `update` (`{ events, at }`, throttled, after ingests) and
 * `alert` (each new alert) events, a heartbeat comment every 15 s. At most `maxClients` streams at once: a
 * held stream costs a socket, and past the cap new clients get 503 instead of a reset connection. A client
 * that falls more than `MAX_STREAM_BACKLOG_BYTES` behind is disconnected.
 *
 * @example
 * const stream = createStream(() => Date.now(), 100)
 * stream.changed(100) // clients get `event: update` with `{"events":100,…}`
 */
export function createStream(now: () => number, maxClients = Number.POSITIVE_INFINITY): Stream {
  const clients = new Set<ServerResponse>()
  let pending = 0
  let timer: NodeJS.Timeout | undefined
  const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS)
  heartbeat.unref()

  function write(chunk: string): void {
    for (const res of clients) {
      res.write(chunk)
      if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) {
        clients.delete(res)
        // Not end(): it would wait behind the backlog the client is not reading.
        res.destroy()
      }
    }
  }

  return {
    handle(req, res) {
      if (clients.size >= maxClients) {
        sendJson(
          res,
          503,
          {
            error: 'too_many_streams',
            message: `this collector serves at most ${maxClients} streams at once; retry later`,
          },
          { 'retry-after': '10' },
        )
        return
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      // The reconnect delay, and a first line so the client's `open` fires at once.
      res.write('retry: 2000\n: connected\n\n')
      clients.add(res)
      req.on('close', () => clients.delete(res))
    },
    changed(events) {
      pending += events
      timer ??= setTimeout(() => {
        timer = undefined
        const data = { events: pending, at: now() }
        pending = 0
        write(`event: update\ndata: ${JSON.stringify(data)}\n\n`)
      }, THROTTLE_MS)
    },
    send(name, data) {
      write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)
    },
    get size() {
      return clients.size
    },
    close() {
      clearInterval(heartbeat)
      clearTimeout(timer)
      for (const res of clients) res.end()
      clients.clear()
    },
  }
}

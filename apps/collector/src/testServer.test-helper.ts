// Helpers shared by the collector's tests (not part of the collector): temp databases, batches, requests.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestEvent {
  id: string
  type: string
  category: 'analytics' | 'crash' | 'performance'
  ts: number
  sessionId: string
  payload: Record<string, unknown>
}

/** A temp directory, removed by `cleanup()`. */
export function tempDir(): { dir: string; db: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'marco-collector-'))
  return { dir, db: join(dir, 'collector.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export function event(overrides: Partial<TestEvent> = {}): TestEvent {
  return {
    id: randomUUID(),
    type: 'track',
    category: 'analytics',
    ts: 1_700_000_000_000,
    sessionId: 'session-1',
    payload: { name: 'export' },
    ...overrides,
  }
}

export function batch(events: TestEvent[], overrides: Record<string, unknown> = {}) {
  return {
    v: 1,
    sentAt: 1_700_000_000_500,
    sdk: { name: '@marco/test', version: '0.0.0' },
    dropped: [],
    events,
    ...overrides,
  }
}

/** POSTs a body (an object is sent as JSON) as the SDK does: `text/plain;charset=UTF-8`. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export async function getJson<T = any>(url: string): Promise<T> {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  return (await response.json()) as T
}

/** A controllable clock. */
export function fakeClock(start = 1_800_000_000_000) {
  let now = start
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
  }
}

/** A raw HTTP request whose body is written by `write(req)` (for chunked and slow bodies). */
export function rawRequest(
  url: string,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof request>) => void,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    write(req)
  })
}

/** Polls `check` every 10 ms until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > end) throw new Error(`waitFor: nothing within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/**
 * A second local server that records the webhook calls it receives: their bodies, and how many were open at
 * once. With `holdMs` each answer waits that long (a slow receiver), so concurrent calls overlap.
 */
export async function startWebhookReceiver(options: { status?: number; holdMs?: number } = {}) {
  const received: { headers: IncomingMessage['headers']; body: any }[] = []
  let open = 0
  let maxOpen = 0
  const server = createServer((req, res) => {
    open++
    maxOpen = Math.max(maxOpen, open)
    let text = ''
    req.on('data', (chunk) => (text += chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) })
      setTimeout(() => {
        open--
        res.writeHead(options.status ?? 200).end()
      }, options.holdMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    get maxOpen() {
      return maxOpen
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

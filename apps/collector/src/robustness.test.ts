// Robustness: what clients and operators see when the collector meets hostile or unlucky input: unparsable request
// targets, absurd drop counts, retried batches, a stream client that stops reading, and another connection holding
// the database's write lock.
import { connect } from 'node:net'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, getJson, post, tempDir } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

/** Sends raw bytes on a fresh connection and resolves with what came back once the server closes it. */
function rawExchange(port: number, text: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    let answer = ''
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
  })
}

/** Resolves once `condition()` holds, or after `timeoutMs` (the caller's assertion then fails). */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition() && Date.now() < deadline; )
    await new Promise((resolve) => setTimeout(resolve, 50))
}

describe('collector robustness', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined
  const cleanups: (() => void)[] = []

  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup()
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, rateLimit: false, ...options }))

  it('answers a request target that is not a valid URL (GET //[) with a 400, not a 500', async () => {
    const { port } = await start()
    for (const [method, target] of [
      ['GET', '//['],
      ['GET', '//%'],
      ['GET', '//:99999/v1/batch'],
      ['POST', '//:99999/v1/batch'],
    ]) {
      const answer = await rawExchange(
        port,
        `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      )
      expect(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1], target).toBe('400')
      expect(answer, target).toContain('"error":"invalid_url"')
    }
  })

  it('keeps /v1/stats answering after one batch reports drop counts whose sum passes 2^63', async () => {
    const { url } = await start()
    // Counts above the schema's bound are refused; counts within it add up in a float sum that cannot overflow.
    const huge = [{ category: 'analytics', reason: 'queue_full', count: 1e18 }]
    const refused = await post(`${url}/v1/batch`, batch([event()], { dropped: huge }))
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'schema_violation' })
    const dropped = Array.from({ length: 10 }, () => ({ category: 'analytics', reason: 'queue_full', count: 1e9 }))
    expect((await post(`${url}/v1/batch`, batch([event()], { dropped }))).status).toBe(200)
    // Rows a collector stored before the bound: each fits SQLite's int64, their sum does not.
    const db = new Database(tmp.db)
    const insert = db.prepare('INSERT INTO drops (received_at, category, reason, status, count) VALUES (?, ?, ?, ?, ?)')
    for (let i = 0; i < 10; i++) insert.run(Date.now(), 'performance', 'too_large', null, 1e18)
    db.close()
    const stats = await fetch(`${url}/v1/stats`)
    expect(stats.status).toBe(200)
    expect((await stats.json()).drops).toEqual([
      { category: 'performance', reason: 'too_large', status: null, count: 1e19 },
      { category: 'analytics', reason: 'queue_full', status: null, count: 1e10 },
    ])
  })

  it('counts the drop counts of a retried batch once', async () => {
    const { url } = await start()
    // The SDK re-sends the same drop counts with a batch whose answer it did not get (EventQueue._send).
    const sent = batch([event()], { dropped: [{ category: 'analytics', reason: 'queue_full', count: 5 }] })
    expect(await (await post(`${url}/v1/batch`, sent)).json()).toEqual({ accepted: 1, stored: 1, duplicates: 0 })
    expect(await (await post(`${url}/v1/batch`, sent)).json()).toEqual({ accepted: 1, stored: 0, duplicates: 1 })
    const { drops } = await getJson(`${url}/v1/stats`)
    expect(drops).toEqual([{ category: 'analytics', reason: 'queue_full', status: null, count: 5 }])
  })

  it('keeps a session on its latest release when an older, already stored batch is retried', async () => {
    const { url } = await start()
    const older = batch([event({ sessionId: 'session-r' })], { context: { release: '1.0.0' } })
    const newer = batch([event({ sessionId: 'session-r' })], { context: { release: '2.0.0' } })
    expect((await post(`${url}/v1/batch`, older)).status).toBe(200)
    expect((await post(`${url}/v1/batch`, newer)).status).toBe(200)
    expect((await getJson(`${url}/v1/releases`)).releases.map((r: { release: string }) => r.release)).toEqual(['2.0.0'])
    // A retry of the first batch: every id is known, it stores nothing.
    expect(await (await post(`${url}/v1/batch`, older)).json()).toEqual({ accepted: 1, stored: 0, duplicates: 1 })
    expect((await getJson(`${url}/v1/releases`)).releases.map((r: { release: string }) => r.release)).toEqual(['2.0.0'])
  })

  it('closes an event stream whose client stopped reading instead of queueing for it without bound', async () => {
    const started = await start({ alertIntervalMs: 3_600_000 })
    const client = connect(started.port, '127.0.0.1')
    cleanups.push(() => client.destroy())
    await new Promise((resolve) => client.once('connect', resolve))
    let received = 0
    let closed = false
    client.on('error', () => {})
    client.on('close', () => (closed = true))
    const head = new Promise((resolve) => client.once('data', resolve))
    client.on('data', (chunk: Buffer) => (received += chunk.length))
    client.write('GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    // Read the answer's head, then stop reading while ~37 MB of alerts are sent.
    await head
    client.pause()
    let n = 0
    for (let run = 0; run < 250; run++) {
      // 100 new exception groups per run: each run's grouped new_fingerprint alert (~150 KB) goes to every stream.
      const events = Array.from({ length: 100 }, () =>
        event({
          type: 'exception',
          category: 'crash',
          payload: {
            fingerprint: `fp-${++n}-`.padEnd(1000, 'f'),
            exceptions: [{ type: 'TypeError', message: `boom ${n} `.padEnd(500, 'm'), frames: [] }],
          },
        }),
      )
      expect((await post(`${started.url}/v1/batch`, batch(events))).status).toBe(200)
      await started.checkAlerts()
    }
    // Reading again, the client gets what the buffers held and then the end of the stream (EventSource reconnects).
    client.resume()
    await waitFor(() => closed || received > 16 * 1024 * 1024, 20_000)
    expect(closed, `the stream is still open after ${received} bytes`).toBe(true)
    expect(received).toBeLessThan(16 * 1024 * 1024)
  }, 60_000)

  it('keeps answering reads while another connection holds the database write lock (operator VACUUM, backup)', async () => {
    const { url } = await start()
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    const other = new Database(tmp.db)
    other.exec('BEGIN IMMEDIATE')
    cleanups.push(() => {
      other.exec('ROLLBACK')
      other.close()
    })
    const ingest = post(`${url}/v1/batch`, batch([event()]))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const asked = Date.now()
    const read = await fetch(`${url}/v1/events`)
    const waited = Date.now() - asked
    expect(read.status).toBe(200)
    // The write must be refused (503, as README "Storage faults" says) without freezing every other client.
    expect((await ingest).status).toBe(503)
    expect(waited, `a read waited ${waited} ms behind one blocked write`).toBeLessThan(4_000)
    // Release health, which counts before it answers, answers from what it counted so far.
    expect((await fetch(`${url}/v1/releases`)).status).toBe(200)
  }, 60_000)
})

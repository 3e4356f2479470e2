import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, getJson, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

/** POSTs raw bytes as the SDK does (`text/plain`), to `path` of the collector. */
function postBytes(url: string, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    body: new Uint8Array(body),
  })
}

describe('collector: compressed batches', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector

  beforeEach(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db, maxBodyBytes: 256 * 1024 })
  })
  afterEach(async () => {
    await collector.close()
    tmp.cleanup()
  })

  const stored = async () =>
    (await getJson<{ events: { id: string }[] }>(`${collector.url}/v1/events?limit=1000`)).events
      .map((e) => e.id)
      .sort()

  it('stores gzip batches named in the URL or in Content-Encoding, and plain ones, alike', async () => {
    const events = [event(), event(), event()]
    const gzipped = gzipSync(JSON.stringify(batch([events[0]!])))
    expect((await postBytes(`${collector.url}/v1/batch?encoding=gzip`, gzipped)).status).toBe(200)
    expect(
      (
        await postBytes(`${collector.url}/v1/batch`, gzipSync(JSON.stringify(batch([events[1]!]))), {
          'content-encoding': 'gzip',
        })
      ).status,
    ).toBe(200)
    expect(
      (await postBytes(`${collector.url}/v1/batch`, Buffer.from(JSON.stringify(batch([events[2]!]))))).status,
    ).toBe(200)
    expect(await stored()).toEqual(events.map((e) => e.id).sort())
  })

  it('stops a gzip bomb at the body limit with 413, storing nothing', async () => {
    // 64 MiB of zeros compress to ~64 KiB: under the 256 KiB limit on the wire, far over it inflated.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    expect(bomb.length).toBeLessThan(256 * 1024)
    const response = await postBytes(`${collector.url}/v1/batch?encoding=gzip`, bomb)
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ error: 'payload_too_large', limit: 256 * 1024 })
    expect(await stored()).toEqual([])
  })

  it('answers corrupt gzip with 400 and an unknown encoding with 415, and stays up', async () => {
    const corrupt = await postBytes(`${collector.url}/v1/batch?encoding=gzip`, Buffer.from('not gzip at all'))
    expect(corrupt.status).toBe(400)
    expect((await corrupt.json()).message).toMatch(/not valid gzip/)
    const truncated = gzipSync(JSON.stringify(batch([event()]))).subarray(0, 20)
    expect((await postBytes(`${collector.url}/v1/batch?encoding=gzip`, truncated)).status).toBe(400)
    const brotli = await postBytes(`${collector.url}/v1/batch?encoding=br`, Buffer.from('{}'))
    expect(brotli.status).toBe(415)
    expect(await brotli.json()).toMatchObject({ error: 'unsupported_encoding' })
    expect(await stored()).toEqual([])
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200)
  })
})

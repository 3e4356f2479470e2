import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, post, tempDir } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

/** GET with a chosen Host header (fetch does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const TOKEN = 'read-token-0123456789abcdef'

describe('collector: access to the read API', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined

  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, rateLimit: false, ...options }))

  it('answers 400 naming the parameter for a limit that is not an integer in range', async () => {
    const { url } = await start()
    for (const query of [
      '/v1/alerts?limit=abc',
      '/v1/alerts?limit=1.5',
      '/v1/alerts?limit=-1',
      '/v1/alerts?limit=1e3',
      '/v1/events?limit=0',
      '/v1/events?limit=0x10',
      '/v1/events?limit=%201',
    ]) {
      const response = await fetch(`${url}${query}`)
      expect(response.status, query).toBe(400)
      expect(await response.json()).toMatchObject({
        error: 'invalid_query',
        message: expect.stringMatching(/^limit must be an integer of at least 1, got/),
      })
    }
    expect((await fetch(`${url}/v1/events?sessionId=${'x'.repeat(65)}`)).status).toBe(400)
    await post(`${url}/v1/batch`, batch([event(), event()]))
    expect((await (await fetch(`${url}/v1/events?limit=1`)).json()).events).toHaveLength(1)
    // Past 1,000 a limit is lowered, not refused.
    expect((await (await fetch(`${url}/v1/events?limit=5000`)).json()).events).toHaveLength(2)
    expect((await fetch(`${url}/v1/alerts?limit=1000`)).status).toBe(200)
  })

  it('answers 421 to a Host it does not serve (DNS rebinding) and serves localhost, 127.0.0.1 and configured names', async () => {
    const { url } = await start()
    for (const host of ['attacker.example', 'attacker.example:4318', '127.0.0.1.attacker.example']) {
      const response = await getWithHost(`${url}/v1/events`, host)
      expect(response.status, host).toBe(421)
      expect(JSON.parse(response.body)).toMatchObject({ error: 'host_not_allowed' })
    }
    for (const host of ['localhost', 'LOCALHOST:4318', `127.0.0.1:${collector!.port}`, 'localhost.'])
      expect((await getWithHost(`${url}/v1/events`, host)).status, host).toBe(200)
    await collector!.close()
    const named = await start({ allowedHosts: ['collector.example'] })
    expect((await getWithHost(`${named.url}/healthz`, 'collector.example:443')).status).toBe(200)
    expect((await getWithHost(`${named.url}/healthz`, 'localhost')).status).toBe(421)
  })

  it('puts the read API, stream and dashboard behind the read token; ingest and /healthz stay open', async () => {
    const { url } = await start({ readToken: TOKEN })
    for (const path of ['/v1/events', '/v1/stats', '/v1/alerts', '/v1/stream', '/dashboard']) {
      const response = await fetch(`${url}${path}`)
      expect(response.status, path).toBe(401)
      expect(response.headers.get('www-authenticate')).toContain('Bearer')
      expect((await fetch(`${url}${path}`, { headers: { authorization: 'Bearer wrong-token' } })).status, path).toBe(
        401,
      )
    }
    expect((await post(`${url}/v1/batch`, batch([event()]))).status).toBe(200)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const events = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(events.status).toBe(200)
    expect((await events.json()).events).toHaveLength(1)
    expect((await fetch(`${url}/dashboard?token=${TOKEN}`)).status).toBe(200)
    const controller = new AbortController()
    const stream = await fetch(`${url}/v1/stream?token=${TOKEN}`, { signal: controller.signal })
    expect(stream.status).toBe(200)
    controller.abort()
  })

  it('refuses to start on an address other machines reach without a read token', async () => {
    await expect(startCollector({ port: 0, host: '0.0.0.0', dbPath: tmp.db })).rejects.toThrow(/set a read token/)
    await expect(startCollector({ port: 0, host: '::', dbPath: tmp.db })).rejects.toThrow(/set a read token/)
  })

  it('holds at most maxStreams event streams and answers 503 beyond', async () => {
    const { url } = await start({ maxStreams: 2 })
    const controller = new AbortController()
    const open = await Promise.all([
      fetch(`${url}/v1/stream`, { signal: controller.signal }),
      fetch(`${url}/v1/stream`, { signal: controller.signal }),
    ])
    expect(open.map((response) => response.status)).toEqual([200, 200])
    const refused = await fetch(`${url}/v1/stream`)
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({ error: 'too_many_streams' })
    controller.abort()
  })
})

// What a request target naming another host, or a Host header of a rebinding page, cannot do through the demo
// server's /v1 proxy: each case was a defect, and each test fails without its fix.
import { createServer, request, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector } from '../apps/collector/src/index'
import { startDemoServer } from './demoServer'

/** A raw GET with an exact request target and Host header. */
function rawGet(base: string, target: string, host: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path: target, method: 'GET', headers: { host } },
      (res: IncomingMessage) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('demo server /v1 proxy', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>
  let demo: { url: string; close(): Promise<void> }
  let other: Server
  let otherUrl: string
  const otherHits: string[] = []
  let dbDir: string

  beforeAll(async () => {
    dbDir = mkdtempSync(`${tmpdir()}/marco-robustness-demo-`)
    collector = await startCollector({ port: 0, dbPath: `${dbDir}/c.sqlite`, rateLimit: false, log: () => {} })
    // Some other HTTP service the demo server can reach (an internal host, a cloud metadata endpoint…).
    other = createServer((req, res) => {
      otherHits.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`)
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('internal secret')
    })
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve))
    otherUrl = `127.0.0.1:${(other.address() as AddressInfo).port}`
    demo = await startDemoServer({ port: 0, host: '127.0.0.1', collectorUrl: collector.url, log: () => {} })
  })
  afterAll(async () => {
    await demo?.close()
    await collector?.close()
    await new Promise((resolve) => other?.close(resolve))
    if (dbDir) rmSync(dbDir, { recursive: true, force: true })
  })

  it('a protocol-relative request target //host/v1/… is not proxied to another host', async () => {
    const demoHost = new URL(demo.url).host
    const answer = await rawGet(demo.url, `//${otherUrl}/v1/anything`, demoHost)
    // server.mjs takes the pathname for routing (`/v1/anything`) but builds the upstream URL with
    // `new URL(req.url, collector)`, where `//host/…` replaces the collector's host.
    expect(otherHits).toEqual([])
    expect(answer.body).not.toContain('internal secret')
  })

  it('the read API is not readable through the demo server under a foreign Host (DNS rebinding)', async () => {
    // What the collector alone refuses (421 host_not_allowed) ...
    const direct = await rawGet(collector.url, '/v1/events', 'attacker.example:8080')
    expect(direct.status).toBe(421)
    // ... a rebinding page reaches through the demo server, which drops Host and forwards to the collector.
    const proxied = await rawGet(demo.url, '/v1/events', 'attacker.example:8080')
    expect(proxied.status).not.toBe(200)
  })
})

// The shipped deployment/nginx/nginx.conf under Debian's real nginx on 127.0.0.1, with a self-signed
// certificate made here, the real collector behind /v1/ and a WebSocket stub behind /signal. The static
// files are a generated fixture with the demo's layout (apps/demo/dist itself is served in chromium.test.ts).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { ClientHttp2Session } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSP_NONCE_PLACEHOLDER, securityHeaders } from '@marco/security'
import { main as marcoSecurity } from '../../packages/security/src/main'
import { SECURITY_HEADERS_ARGS } from '../../deployment/nginx/generate-security-headers.mjs'
import { writeFixtureDist, type FixtureDist } from './helpers/fixtureDist'
import { closeSession, h2Request, h2Session } from './helpers/http2'
import {
  makeSelfSignedCert,
  nginxTest,
  renderNginxConfig,
  ROOT,
  SECURITY_HEADERS_CONF,
  startNginx,
  tempDir,
  type RunningNginx,
} from './helpers/nginx'
import {
  encodeFrame,
  readFrame,
  startNginxStack,
  type NginxStack,
  type RunningCollector,
  type SignalStub,
} from './helpers/servers'

let certDir: string
let acmeRoot: string
let dist: FixtureDist
let collector: RunningCollector
let signal: SignalStub
let nginx: RunningNginx
let stack: NginxStack
let session: ClientHttp2Session

beforeAll(async () => {
  certDir = tempDir('cert')
  makeSelfSignedCert(certDir)
  acmeRoot = tempDir('acme')
  mkdirSync(join(acmeRoot, '.well-known/acme-challenge'), { recursive: true })
  writeFileSync(join(acmeRoot, '.well-known/acme-challenge/test-token'), 'test-token.key-authorization')
  dist = await writeFixtureDist()
  plantLeaks(dist.dir)
  ;({ nginx, collector, signal } = stack = await startNginxStack({ root: dist.dir, certDir, acmeRoot }))
  session = h2Session(nginx.origin, certDir)
})

afterAll(async () => {
  if (session) await closeSession(session)
  await stack?.stop()
  for (const dir of [certDir, acmeRoot, dist?.dir]) if (dir) rmSync(dir, { recursive: true, force: true })
})

/** What must never leave the server although a careless deploy copied it into the web root. */
const LEAK_MARKER = 'leaked-secret-7f3a'
const LEAKED_FILES = [
  '.git/config',
  '.git/HEAD',
  '.env',
  '.htpasswd',
  'assets/.env.production',
  'app.js.map',
  'app.js.map.br',
  'app.js.map.gz',
]
/** The same files by every spelling nginx normalizes ($uri is decoded, dot segments and double slashes merged). */
const LEAKED_PATHS = [
  ...LEAKED_FILES.map((file) => `/${file}`),
  '/.git/',
  '/.git',
  '/%2egit/config',
  '/%2Eenv',
  '//.env',
  '/assets/../.env',
  '/assets/./../.git/config',
  '/.well-known/../.env',
  '/.well-known/.env',
  '/APP.JS.MAP',
  '/app.js%2Emap',
  '/app.js.map?download=1',
]
/** And what /.well-known/ (RFC 8615) is for, which stays public. */
const WELL_KNOWN = {
  '.well-known/acme-challenge/x': 'x.key-authorization',
  '.well-known/security.txt': 'Contact: mailto:security@marco.example\n',
}

function plantLeaks(dir: string): void {
  for (const file of [...LEAKED_FILES, '.well-known/.env']) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), `${LEAK_MARKER} ${file}\n`)
  }
  // A map beside each hashed script, as a build with sourcemaps writes it.
  writeFileSync(join(dir, `${dist.app}.map`), `{"version":3,"sources":["${LEAK_MARKER}"]}`)
  for (const [file, text] of Object.entries(WELL_KNOWN)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
}

/** The header set @marco/security makes for this nonce, as nginx expands it for Host 127.0.0.1. */
const expectedHeaders = (nonce: string) =>
  securityHeaders({ nonce, reportUri: 'https://127.0.0.1/v1/csp-report', signalling: ['wss://127.0.0.1'] })

const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1]

describe('deployment/nginx/security-headers.conf', () => {
  it('is exactly what `marco-security headers` prints for the documented arguments (not stale, not hand-edited)', () => {
    let printed = ''
    expect(marcoSecurity(SECURITY_HEADERS_ARGS, (text) => (printed += text))).toBe(0)
    expect(readFileSync(SECURITY_HEADERS_CONF, 'utf8')).toBe(printed)
  })

  it("passes the generator's --check with the built CLI", () => {
    // The root test command builds first; the built bin is what the Dockerfile runs.
    expect(
      existsSync(join(ROOT, 'packages/security/dist/cli.mjs')),
      'packages/security/dist/cli.mjs (run pnpm run build)',
    ).toBe(true)
    const run = spawnSync(process.execPath, [join(ROOT, 'deployment/nginx/generate-security-headers.mjs'), '--check'], {
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})

describe('deployment/nginx/nginx.conf', () => {
  it('passes `nginx -t` (with the documented test substitutions only)', () => {
    const prefix = tempDir('nginx-t')
    try {
      const conf = join(prefix, 'nginx.conf')
      writeFileSync(
        conf,
        renderNginxConfig({
          prefix,
          httpsPort: 8443,
          httpPort: 8080,
          certDir,
          root: dist.dir,
          acmeRoot,
          collector: '127.0.0.1:4318',
          signal: '127.0.0.1:8787',
        }),
      )
      const { status, output } = nginxTest(prefix, conf)
      expect(output).toContain('syntax is ok')
      expect(output).toContain('test is successful')
      expect(status).toBe(0)
      expect(output).not.toMatch(/\[emerg\]/)
    } finally {
      rmSync(prefix, { recursive: true, force: true })
    }
  })

  it("serves index.html over HTTP/2, Brotli-compressed, with every security header and the header's nonce in the HTML", async () => {
    const response = await h2Request(session, '/')
    expect(response.protocol).toBe('h2')
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(response.headers['content-encoding']).toBe('br')
    const nonce = nonceOf(response.headers['content-security-policy'])
    expect(nonce).toMatch(/^[0-9a-f]{32}$/)
    for (const [name, value] of Object.entries(expectedHeaders(nonce!)))
      expect(response.headers[name.toLowerCase()], name).toBe(value)
    const html = response.body.toString('utf8')
    expect(html).not.toContain(CSP_NONCE_PLACEHOLDER)
    expect([...html.matchAll(/nonce="([^"]+)"/g)].map((match) => match[1])).toEqual([nonce])
    // Never the prebuilt index.html.br (it still holds the placeholder), never revalidated into an old nonce.
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.headers.etag).toBeUndefined()
    expect(response.headers['last-modified']).toBeUndefined()
    expect(response.headers.server).toBe('nginx')
  })

  it('puts a different nonce into the header and the HTML of every response', async () => {
    const responses = await Promise.all([
      h2Request(session, '/'),
      h2Request(session, '/index.html'),
      h2Request(session, '/some/client/route'),
    ])
    const nonces = responses.map((response) => {
      const nonce = nonceOf(response.headers['content-security-policy'])
      expect(response.body.toString('utf8')).toContain(`nonce="${nonce}"`)
      return nonce
    })
    expect(new Set(nonces).size).toBe(3)
  })

  it('serves the prebuilt .br of a hashed script, immutable, with an ETag and the security headers', async () => {
    const response = await h2Request(session, dist.app)
    expect(response.status).toBe(200)
    expect(response.headers['content-encoding']).toBe('br')
    expect(response.raw.equals(readFileSync(join(dist.dir, `${dist.app}.br`)))).toBe(true)
    expect(response.body.equals(readFileSync(join(dist.dir, dist.app)))).toBe(true)
    expect(response.headers['content-type']).toMatch(/^(application|text)\/javascript/)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(response.headers.etag).toMatch(/^(W\/)?"/)
    expect(response.headers.vary).toMatch(/accept-encoding/i)
    for (const name of Object.keys(expectedHeaders('x')))
      expect(response.headers[name.toLowerCase()], name).toBeDefined()

    const revalidated = await h2Request(session, dist.app, {
      headers: { 'if-none-match': String(response.headers.etag) },
    })
    expect(revalidated.status).toBe(304)
  })

  it('falls back to the prebuilt .gz for gzip-only clients and to identity for the rest', async () => {
    const gzip = await h2Request(session, dist.style, { headers: { 'accept-encoding': 'gzip' } })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gzip.raw.equals(readFileSync(join(dist.dir, `${dist.style}.gz`)))).toBe(true)
    const identity = await h2Request(session, dist.style, { headers: { 'accept-encoding': 'identity' } })
    expect(identity.headers['content-encoding']).toBeUndefined()
    expect(identity.body.equals(readFileSync(join(dist.dir, dist.style)))).toBe(true)
    expect(identity.headers['content-type']).toBe('text/css; charset=utf-8')
  })

  it('serves .wasm as application/wasm, Brotli-compressed and immutable, and the bytes compile', async () => {
    const response = await h2Request(session, dist.wasm)
    expect(response.status).toBe(200)
    expect(response.headers['content-type']).toBe('application/wasm')
    expect(response.headers['content-encoding']).toBe('br')
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const module = await WebAssembly.compile(new Uint8Array(response.body))
    expect(WebAssembly.Module.exports(module)).toEqual([{ name: 'add', kind: 'function' }])
  })

  it('compresses .wasm on the fly when no prebuilt file exists', async () => {
    const plain = join(dist.dir, 'assets/plain-0000000f.wasm')
    writeFileSync(plain, Buffer.concat([readFileSync(join(dist.dir, dist.wasm)), Buffer.alloc(2048)]))
    const response = await h2Request(session, '/assets/plain-0000000f.wasm')
    expect(response.headers['content-type']).toBe('application/wasm')
    expect(response.headers['content-encoding']).toBe('br')
    expect(response.raw.length).toBeLessThan(response.body.length)
  })

  it('revalidates the service worker, the manifest and the icon (no-cache, with ETags)', async () => {
    for (const [path, type] of [
      ['/sw.js', /javascript/],
      ['/manifest.webmanifest', /^application\/manifest\+json/],
      ['/icon.svg', /^image\/svg\+xml/],
    ] as const) {
      const response = await h2Request(session, path)
      expect(response.status, path).toBe(200)
      expect(response.headers['content-type'], path).toMatch(type)
      expect(response.headers['cache-control'], path).toBe('no-cache')
      expect(response.headers.etag, path).toBeDefined()
      expect(response.headers['strict-transport-security'], path).toBeDefined()
      const again = await h2Request(session, path, { headers: { 'if-none-match': String(response.headers.etag) } })
      expect(again.status, path).toBe(304)
    }
  })

  it('answers a missing hashed asset with 404 (never the HTML fallback, never an immutable header)', async () => {
    const response = await h2Request(session, '/assets/missing-12345678.js')
    expect(response.status).toBe(404)
    expect(response.headers['cache-control']).toBeUndefined()
    expect(response.headers['content-security-policy']).toBeDefined()
  })

  it('answers 404 for dotfiles and source maps in the web root, by any spelling, and still serves /.well-known/', async () => {
    for (const path of [...LEAKED_PATHS, `${dist.app}.map`]) {
      for (const encoding of ['br, gzip', 'identity']) {
        const response = await h2Request(session, path, { headers: { 'accept-encoding': encoding } })
        expect(response.status, path).toBe(404)
        expect(response.body.toString('utf8'), path).not.toContain(LEAK_MARKER)
        expect(response.headers['content-security-policy'], path).toBeDefined()
        expect(response.headers['cache-control'], path).toBeUndefined()
      }
    }
    for (const [file, text] of Object.entries(WELL_KNOWN)) {
      const response = await h2Request(session, `/${file}`)
      expect(response.status, file).toBe(200)
      expect(response.body.toString('utf8'), file).toBe(text)
    }
    // The script the map belongs to is served as before.
    expect((await h2Request(session, dist.app)).status).toBe(200)
  })

  it('answers over curl --http2 with HTTP/2 and br (curl as a second, independent client)', () => {
    const run = spawnSync(
      'curl',
      [
        '-sS',
        '--http2',
        '--cacert',
        join(certDir, 'fullchain.pem'),
        '-H',
        'accept-encoding: br',
        '-o',
        '/dev/null',
        '-D',
        '-',
        '-w',
        'http_version=%{http_version}\n',
        `${nginx.origin}${dist.wasm}`,
      ],
      { encoding: 'utf8' },
    )
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/^HTTP\/2 200/)
    expect(run.stdout).toMatch(/^content-encoding: br\r?$/m)
    expect(run.stdout).toMatch(/^content-type: application\/wasm\r?$/m)
    expect(run.stdout).toContain('http_version=2')
  })

  it('redirects HTTP to HTTPS, except the ACME challenge path', async () => {
    const get = (path: string) =>
      new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port: nginx.httpPort, path, headers: { host: 'marco.example' } }, (res) => {
          let body = ''
          res.on('data', (chunk) => (body += chunk))
          res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body }))
        })
          .on('error', reject)
          .end()
      })
    expect(await get('/canvas?room=1')).toMatchObject({ status: 301, location: 'https://marco.example/canvas?room=1' })
    expect(await get('/')).toMatchObject({ status: 301, location: 'https://marco.example/' })
    expect(await get('/.well-known/acme-challenge/test-token')).toMatchObject({
      status: 200,
      body: 'test-token.key-authorization',
    })
    expect((await get('/.well-known/acme-challenge/other')).status).toBe(404)
  })

  it('speaks TLS 1.2 and 1.3 with modern ciphers only, and issues no session tickets', async () => {
    const handshake = (options: ConnectionOptions) =>
      new Promise<{ ok: boolean; protocol?: string | null; cipher?: string; ticket?: boolean; error?: string }>(
        (resolve) => {
          const socket = tlsConnect(
            {
              host: '127.0.0.1',
              port: nginx.httpsPort,
              servername: 'localhost',
              rejectUnauthorized: false,
              ...options,
            },
            () => {
              // A TLS 1.2 ticket arrives with the handshake; give it a moment all the same.
              setTimeout(() => {
                resolve({
                  ok: true,
                  protocol: socket.getProtocol(),
                  cipher: socket.getCipher().name,
                  ticket: socket.getTLSTicket() !== undefined,
                })
                socket.destroy()
              }, 100)
            },
          )
          socket.on('error', (error) => resolve({ ok: false, error: error.message }))
        },
      )
    expect(await handshake({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' })).toMatchObject({
      ok: true,
      protocol: 'TLSv1.3',
    })
    expect(await handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toMatchObject({
      ok: true,
      protocol: 'TLSv1.2',
      cipher: expect.stringMatching(/^ECDHE-ECDSA-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/),
      ticket: false,
    })
    expect(
      await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
    ).toMatchObject({ ok: false })
    expect(
      await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:AES128-SHA:AES256-SHA256' }),
    ).toMatchObject({ ok: false })
  })

  it('proxies /v1/ ingest to the collector (POST only) and limits the body size', async () => {
    const now = Date.now()
    const id = `nginx-test-${now}`
    const batch = {
      v: 1,
      sentAt: now,
      sdk: { name: 'marco-e2e', version: '0.0.0' },
      dropped: [],
      events: [{ id, type: 'page', category: 'analytics', ts: now, sessionId: 's1', payload: {} }],
    }
    const response = await h2Request(session, '/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(batch),
    })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body.toString('utf8'))).toMatchObject({ accepted: 1, stored: 1 })
    // One copy of each header nginx owns, not the collector's differing one as well.
    expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
    // The collector's own, and only one.
    expect(response.headers['cache-control']).toBe('no-store')
    expect((await collector.events()).map((event) => event.id)).toContain(id)

    // The collector's read API stays private.
    expect((await h2Request(session, '/v1/events')).status).toBe(403)
    // Experiment definitions are the one public read, GET only.
    expect((await h2Request(session, '/v1/experiments')).status).toBe(200)
    expect(
      (
        await h2Request(session, '/v1/experiments', {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: '{}',
        })
      ).status,
    ).toBe(403)
    expect((await h2Request(session, '/v1/experiments/results')).status).toBe(403)
    // Over the 1 MiB limit: nginx answers before the collector sees it.
    const big = await h2Request(session, '/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: Buffer.alloc(1024 * 1024 + 1, 0x20),
    })
    expect(big.status).toBe(413)
    // And static paths take no body at all beyond 16 KiB.
    expect(
      (
        await h2Request(session, '/', {
          method: 'POST',
          headers: { 'content-length': '20000' },
          body: Buffer.alloc(20_000, 0x20),
        })
      ).status,
    ).toBe(413)
  })

  it('proxies /signal as a WebSocket to the signalling upstream', async () => {
    const { socket, head } = await new Promise<{ socket: import('node:tls').TLSSocket; head: string }>(
      (resolve, reject) => {
        const socket = tlsConnect(
          {
            host: '127.0.0.1',
            port: nginx.httpsPort,
            servername: 'localhost',
            ALPNProtocols: ['http/1.1'],
            ca: readFileSync(join(certDir, 'fullchain.pem')),
          },
          () => {
            socket.write(
              `GET /signal?room=42 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
            )
          },
        )
        let data = ''
        const onData = (chunk: Buffer) => {
          data += chunk.toString('latin1')
          const end = data.indexOf('\r\n\r\n')
          if (end < 0) return
          socket.off('data', onData)
          resolve({ socket, head: data.slice(0, end) })
        }
        socket.on('data', onData)
        socket.on('error', reject)
      },
    )
    try {
      expect(head).toMatch(/^HTTP\/1\.1 101 /)
      expect(head).toMatch(/^sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=$/im)
      const reply = await new Promise<string>((resolve) => {
        let buffer = Buffer.alloc(0)
        socket.on('data', (chunk: Buffer) => {
          buffer = Buffer.concat([buffer, chunk])
          const frame = readFrame(buffer)
          if (frame) resolve(frame.payload.toString('utf8'))
        })
        socket.write(encodeFrame(Buffer.from('offer'), 0x1, true))
      })
      expect(reply).toBe('echo:offer')
      const upgrade = signal.upgrades.at(-1)!
      expect(upgrade[':path']).toBe('/signal?room=42')
      expect(upgrade.upgrade).toBe('websocket')
      expect(upgrade['x-forwarded-proto']).toBe('https')
      expect(upgrade['x-real-ip']).toBe('127.0.0.1')
    } finally {
      socket.destroy()
    }
  })

  // Last: it spends this client's request budget.
  it('rate-limits the ingest path per client with 429 and Retry-After', async () => {
    const responses = await Promise.all(
      Array.from({ length: 60 }, () =>
        h2Request(session, '/v1/csp-report', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      ),
    )
    const limited = responses.filter((response) => response.status === 429)
    expect(limited.length).toBeGreaterThan(0)
    expect(limited.length).toBeLessThan(60)
    expect(limited[0]!.headers['retry-after']).toBe('1')
    expect(limited[0]!.headers['content-type']).toMatch(/^application\/json/)
    expect(JSON.parse(limited[0]!.body.toString('utf8'))).toMatchObject({ error: 'rate_limited' })
    expect(limited[0]!.headers['strict-transport-security']).toBeDefined()
    // The first requests went through to the collector.
    expect(responses.some((response) => response.status !== 429)).toBe(true)
  })

  it('fails to start, rather than pass for started, when another server holds its HTTPS port', async () => {
    // What a port picked free and then taken by another process looks like: something else answers on it.
    const squatter = createServer((_request, response) => response.end('not nginx'))
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = squatter.address() as AddressInfo
      await expect(
        startNginx({
          root: dist.dir,
          certDir,
          acmeRoot,
          collectorPort: collector.port,
          signalPort: signal.port,
          httpsPort: port,
        }),
      ).rejects.toThrow(/Address already in use/)
    } finally {
      squatter.close()
    }
  })
})

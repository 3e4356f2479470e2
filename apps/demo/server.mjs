// The demo's server: plain Node `http`, no framework. Serves dist/ with the production header set from
// @marco/security (a fresh CSP nonce per response, written into the HTML's `__CSP_NONCE__`), long-lived
// caching for hashed /assets/*, ETags, the precompressed .br/.gz files, and proxies /v1/* to the collector.
//
//   node apps/demo/server.mjs [--port 8080] [--host 127.0.0.1] [--collector http://127.0.0.1:4318]
//
// Without --collector it starts the reference collector in-process when apps/collector is built
// (database in the OS temp dir), else answers /v1/* with 503 (the SDK keeps the events and retries).
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { extname, join, normalize, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))

/**
 * A workspace package, by name; until `pnpm install` links apps/demo/node_modules, from the root's
 * node_modules (where @marco/* are symlinks to packages/*).
 */
async function importWorkspace(name, file = 'dist/index.mjs') {
  try {
    return await import(name)
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    return import(pathToFileURL(join(here, '../../node_modules', name, file)).href)
  }
}

const { createNonce, securityHeaders, CSP_NONCE_PLACEHOLDER } = await importWorkspace('@marco/security')

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Connection hop-by-hop headers a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
])
const PROXY_TIMEOUT_MS = 30_000
const CLOSE_GRACE_MS = 2_000

/** The encodings the client accepts with q > 0 (`br;q=0` refuses br). */
function acceptedEncodings(header = '') {
  const accepted = new Set()
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (name && (!q || Number(q.slice(2)) > 0)) accepted.add(name)
  }
  return accepted
}

/** Loopback or a plain host name: safe to put in a header value. */
const SAFE_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i

/**
 * Starts the demo server. Resolves once it listens; `close()` stops accepting, closes idle keep-alive
 * sockets at once and cuts the rest after a short grace.
 *
 * @param {{ port?: number, host?: string, dir?: string, collectorUrl?: string, log?: (line: string) => void }}
 * [options]
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 * @example
 * const demo = await startDemoServer({ port: 0, collectorUrl: collector.url })
 * await page.goto(demo.url)
 * await demo.close()
 */
export async function startDemoServer({
  port = 0,
  host = '127.0.0.1',
  dir = join(here, 'dist'),
  collectorUrl,
  log,
} = {}) {
  const root = normalize(dir + sep)
  const collector = collectorUrl ? new URL(collectorUrl) : undefined

  /** The production header set for this response, with its own nonce. */
  const headersFor = (req) => {
    const secure = req.socket.encrypted || req.headers['x-forwarded-proto'] === 'https'
    const hostHeader = req.headers.host ?? ''
    const origin = SAFE_HOST.test(hostHeader) ? `${secure ? 'https' : 'http'}://${hostHeader}` : ''
    const nonce = createNonce()
    const headers = securityHeaders({
      nonce,
      // Reporting-Endpoints wants an absolute URL; report-uri takes either.
      reportUri: `${origin}/v1/csp-report`,
      // Plain HTTP (local development, the tests): upgrading would send every subresource to https://.
      upgradeInsecureRequests: secure,
    })
    return { nonce, headers }
  }

  const serveHtml = async (req, res, file) => {
    const { nonce, headers } = headersFor(req)
    const template = await readFile(file, 'utf8')
    const body = Buffer.from(template.replaceAll(CSP_NONCE_PLACEHOLDER, nonce))
    // No ETag: the body differs per response (its nonce), and a 304 would pair an old body with a new header.
    res.writeHead(200, {
      ...headers,
      'Content-Type': MIME['.html'],
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  const serveFile = async (req, res, pathname) => {
    let relativePath
    try {
      relativePath = decodeURIComponent(pathname)
    } catch {
      return sendText(req, res, 400, 'Bad request')
    }
    if (relativePath.includes('\0')) return sendText(req, res, 400, 'Bad request')
    if (relativePath === '/' || relativePath === '/index.html') return serveHtml(req, res, join(root, 'index.html'))
    const file = normalize(join(root, relativePath))
    if (!file.startsWith(root) || file.endsWith('.html')) return sendText(req, res, 404, 'Not found')
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) return sendText(req, res, 404, 'Not found')

    const type = MIME[extname(file)] ?? 'application/octet-stream'
    const accepted = acceptedEncodings(req.headers['accept-encoding'])
    let chosen = { file, info, encoding: undefined }
    for (const [encoding, suffix] of [
      ['br', '.br'],
      ['gzip', '.gz'],
    ]) {
      if (!accepted.has(encoding)) continue
      const compressed = await stat(file + suffix).catch(() => undefined)
      if (compressed?.isFile()) {
        chosen = { file: file + suffix, info: compressed, encoding }
        break
      }
    }
    const compressible =
      chosen.encoding !== undefined || (await stat(file + '.br').catch(() => undefined)) !== undefined
    const etag = `"${createHash('sha1').update(`${chosen.file}:${chosen.info.size}:${chosen.info.mtimeMs}`).digest('base64url').slice(0, 20)}"`
    const { headers } = headersFor(req)
    const out = {
      ...headers,
      'Content-Type': type,
      'Cache-Control': pathname.startsWith('/assets/') ? IMMUTABLE : 'no-cache',
      ETag: etag,
      'Last-Modified': info.mtime.toUTCString(),
    }
    if (compressible) out.Vary = 'Accept-Encoding'
    if (chosen.encoding) out['Content-Encoding'] = chosen.encoding
    const match = req.headers['if-none-match']
    if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      res.writeHead(304, out)
      return res.end()
    }
    res.writeHead(200, { ...out, 'Content-Length': chosen.info.size })
    if (req.method === 'HEAD') return res.end()
    const stream = createReadStream(chosen.file)
    stream.on('error', () => res.destroy())
    stream.pipe(res)
  }

  const sendText = (req, res, status, text, extra = {}) => {
    const { headers } = headersFor(req)
    const body = Buffer.from(text + '\n')
    res.writeHead(status, {
      ...headers,
      'Content-Type': MIME['.txt'],
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
      ...extra,
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  /**
   * Whether a request's Host names this server as a visitor reaches it: loopback, an IP address, or the `host` it
   * listens on — not a name an attacker's DNS points here (DNS rebinding), whose page could then read the collector
   * through `/v1/`.
   */
  const isOwnHost = (hostHeader = '') => {
    const name = hostHeader
      .toLowerCase()
      .replace(/:\d{1,5}$/, '')
      .replace(/^\[(.*)\]$/, '$1')
    return (
      name === 'localhost' || name === host.toLowerCase() || /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':')
    )
  }

  /** /v1/* → the collector: method, headers and body streamed both ways. */
  const proxy = (req, res) => {
    if (!collector) return sendText(req, res, 503, 'No collector configured', { 'Retry-After': '30' })
    if (!isOwnHost(req.headers.host)) return sendText(req, res, 421, 'Misdirected request')
    const headers = {}
    for (const [name, value] of Object.entries(req.headers)) {
      // The collector sees a same-origin request made by this server: the browser's Origin and cookies stay here.
      if (!HOP_BY_HOP.has(name) && name !== 'host' && name !== 'origin' && name !== 'cookie') headers[name] = value
    }
    const remote = req.socket.remoteAddress ?? ''
    headers['x-forwarded-for'] = req.headers['x-forwarded-for']
      ? `${req.headers['x-forwarded-for']}, ${remote}`
      : remote
    headers['x-forwarded-proto'] = req.socket.encrypted ? 'https' : 'http'
    if (req.headers.host) headers['x-forwarded-host'] = req.headers.host
    // Path and query only: a request target like //other-host/v1/… must not pick the host.
    const { pathname, search } = new URL(req.url ?? '/', 'http://demo')
    const target = new URL(pathname + search, collector)
    const upstream = (target.protocol === 'https:' ? httpsRequest : httpRequest)(
      target,
      { method: req.method, headers, timeout: PROXY_TIMEOUT_MS },
      (answer) => {
        const back = {}
        for (const [name, value] of Object.entries(answer.headers))
          if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value
        res.writeHead(answer.statusCode ?? 502, back)
        answer.pipe(res)
      },
    )
    upstream.on('timeout', () => upstream.destroy(new Error('collector timed out')))
    upstream.on('error', (error) => {
      log?.(`proxy ${req.method} ${req.url}: ${error.message}`)
      if (!res.headersSent) sendText(req, res, 502, 'Collector unreachable', { 'Retry-After': '10' })
      else res.destroy()
    })
    req.on('aborted', () => upstream.destroy())
    req.pipe(upstream)
  }

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://demo').pathname
    const started = Date.now()
    res.on('finish', () => log?.(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`))
    if (pathname.startsWith('/v1/')) return proxy(req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendText(req, res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })
    serveFile(req, res, pathname).catch((error) => {
      log?.(`${req.method} ${req.url}: ${error.stack ?? error}`)
      if (!res.headersSent) sendText(req, res, 500, 'Internal error')
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 5_000
  server.headersTimeout = 10_000
  server.requestTimeout = 60_000

  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref()
      })
      return closing
    },
  }
}

// ---- command line ----------------------------------------------------------------------------------------
if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const args = process.argv.slice(2)
  const option = (name, fallback) => {
    const index = args.indexOf(`--${name}`)
    return index >= 0 ? args[index + 1] : fallback
  }
  let collectorUrl = option('collector', process.env.MARCO_COLLECTOR_URL)
  let embedded
  if (!collectorUrl) {
    try {
      const { startCollector } = await import(pathToFileURL(join(here, '../collector/dist/index.mjs')).href)
      // The built assets' source maps, so the dashboard shows the demo's crashes at their source lines.
      embedded = await startCollector({
        port: 0,
        dbPath: join(tmpdir(), 'marco-demo-collector.db'),
        sourceMapsDir: join(here, 'dist/assets'),
      })
      collectorUrl = embedded.url
      console.log(`[demo] collector ${embedded.url}/dashboard (embedded, ${join(tmpdir(), 'marco-demo-collector.db')})`)
    } catch (error) {
      console.warn(`[demo] no collector (${error.message.split('\n')[0]}); /v1/* answers 503. Pass --collector <url>.`)
    }
  }
  const demo = await startDemoServer({
    port: Number(option('port', process.env.PORT ?? 8080)),
    host: option('host', '127.0.0.1'),
    collectorUrl,
    log: args.includes('--verbose') ? (line) => console.log(`[demo] ${line}`) : undefined,
  })
  console.log(`[demo] ${demo.url}`)
  const stop = async () => {
    await demo.close()
    await embedded?.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

// deployment/cdn/cloudflare-config.js, run in Node with real Request/Response objects, a stub origin and an
// in-memory Cache API (miniflare/workerd cannot be installed here: workerd is a downloaded binary). What the
// worker does with HTMLRewriter-free streams behaves the same on workerd.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { CSP_NONCE_PLACEHOLDER } from '@marco/security'
import worker, {
  createEdgeWorker,
  IMMUTABLE_CACHE_CONTROL,
  replaceInStream,
} from '../../deployment/cdn/cloudflare-config.js'
import { memoryCache } from './helpers/memoryCache'
import { ROOT, SECURITY_HEADERS_CONF } from './helpers/nginx'

const WORKER_FILE = join(ROOT, 'deployment/cdn/cloudflare-config.js')
const HTML = `<!doctype html><html><head><script type="module" nonce="${CSP_NONCE_PLACEHOLDER}" src="/assets/main-AAAA1111.js"></script></head><body>${'x'.repeat(5000)}</body></html>`
const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])

/** A stub origin answering like nginx would, counting and keeping the requests it got. */
function stubOrigin(options: { nginxNonce?: string } = {}) {
  const requests: Request[] = []
  const fetchOrigin = async (request: Request): Promise<Response> => {
    requests.push(request)
    const { pathname } = new URL(request.url)
    const common = { server: 'nginx', 'x-powered-by': 'stub' }
    if (pathname === '/' || pathname === '/index.html') {
      const headers: Record<string, string> = {
        ...common,
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache',
        etag: '"abc"',
        'content-length': String(HTML.length),
      }
      if (options.nginxNonce)
        headers['content-security-policy'] = `script-src 'nonce-${options.nginxNonce}' 'strict-dynamic'`
      const body = options.nginxNonce ? HTML.replaceAll(CSP_NONCE_PLACEHOLDER, options.nginxNonce) : HTML
      // Two chunks, split inside the placeholder.
      const cut = body.indexOf(CSP_NONCE_PLACEHOLDER) + 5
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body.slice(0, cut)))
          controller.enqueue(new TextEncoder().encode(body.slice(cut)))
          controller.close()
        },
      })
      return new Response(stream, { headers })
    }
    if (pathname === '/assets/main-AAAA1111.js')
      return new Response('export const x = 1\n', {
        headers: { ...common, 'content-type': 'text/javascript', 'cache-control': IMMUTABLE_CACHE_CONTROL },
      })
    if (pathname === '/assets/smooth-BBBB2222.wasm')
      return new Response(WASM, { headers: { ...common, 'content-type': 'application/wasm' } })
    if (pathname === '/sw.js')
      return new Response('self.addEventListener("fetch", () => {})\n', {
        headers: { ...common, 'content-type': 'text/javascript', 'cache-control': 'no-cache' },
      })
    if (pathname === '/v1/batch') {
      if (request.headers.get('x-test-limit'))
        return new Response('{"error":"rate_limited"}', {
          status: 429,
          headers: { 'retry-after': '1', 'content-type': 'application/json' },
        })
      return new Response(JSON.stringify({ accepted: 1, received: await request.text() }), {
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      })
    }
    return new Response('not found', { status: 404, headers: { ...common, 'content-type': 'text/plain' } })
  }
  return { requests, fetchOrigin }
}

function setup(options: { nginxNonce?: string } = {}) {
  const origin = stubOrigin(options)
  const cache = memoryCache()
  const pending: Promise<unknown>[] = []
  const ctx = { waitUntil: (promise: Promise<unknown>) => void pending.push(promise) }
  const edge = createEdgeWorker({ fetchOrigin: origin.fetchOrigin, cache: () => cache })
  const call = async (path: string, init?: RequestInit) => {
    const response = await edge.fetch(new Request(`https://marco.example.com${path}`, init), {}, ctx)
    await Promise.all(pending.splice(0))
    return response
  }
  return { origin, cache, call }
}

const nonceOf = (response: Response) =>
  /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1]

describe('deployment/cdn/cloudflare-config.js', () => {
  it('is a module worker that takes its headers from @marco/security', () => {
    const source = readFileSync(WORKER_FILE, 'utf8')
    expect(source).toMatch(
      /import \{[^}]*\bsecurityHeaders\b[^}]*\btoCloudflareHeaderMap\b[^}]*\} from '@marco\/security'/,
    )
    expect(typeof worker.fetch).toBe('function')
  })

  it("sends exactly the header set of nginx's generated security-headers.conf", async () => {
    const { call } = setup()
    const response = await call('/assets/main-AAAA1111.js')
    const nonce = nonceOf(response)!
    const nginx = [
      ...readFileSync(SECURITY_HEADERS_CONF, 'utf8').matchAll(/^add_header (\S+) "((?:[^"\\]|\\.)*)" always;$/gm),
    ]
    expect(nginx.length).toBeGreaterThan(5)
    for (const [, name, quoted] of nginx) {
      const value = quoted!
        .replace(/\\(.)/g, '$1')
        .replaceAll('$request_id', nonce)
        .replaceAll('$host', 'marco.example.com')
      expect(response.headers.get(name!), name).toBe(value)
    }
    expect(response.headers.get('server')).toBeNull()
    expect(response.headers.get('x-powered-by')).toBeNull()
  })

  it('caches hashed assets and .wasm at the edge for a year: the second request never reaches the origin', async () => {
    const { call, origin, cache } = setup()
    for (const path of ['/assets/main-AAAA1111.js', '/assets/smooth-BBBB2222.wasm']) {
      const first = await call(path)
      expect(first.status, path).toBe(200)
      expect(first.headers.get('x-marco-edge-cache'), path).toBe('MISS')
      expect(first.headers.get('cache-control'), path).toBe(IMMUTABLE_CACHE_CONTROL)
      const firstBody = new Uint8Array(await first.arrayBuffer())
      const before = origin.requests.length
      const second = await call(path)
      expect(second.headers.get('x-marco-edge-cache'), path).toBe('HIT')
      expect(origin.requests.length, path).toBe(before)
      expect(new Uint8Array(await second.arrayBuffer()), path).toEqual(firstBody)
      expect(second.headers.get('cache-control'), path).toBe(IMMUTABLE_CACHE_CONTROL)
      expect(second.headers.get('strict-transport-security'), path).toContain('max-age=')
    }
    const wasm = await call('/assets/smooth-BBBB2222.wasm')
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(WASM)
    expect(cache.entries.size).toBe(2)
    // What the cache holds carries no per-response header (a stale nonce would be served to everyone).
    for (const entry of cache.entries.values()) expect(entry.headers.get('content-security-policy')).toBeNull()
  })

  it('never caches a miss', async () => {
    const { call, cache } = setup()
    expect((await call('/assets/gone-00000000.js')).status).toBe(404)
    expect(cache.entries.size).toBe(0)
  })

  it('never caches HTML, and gives each page a new nonce in both the header and the body', async () => {
    const { call, origin, cache } = setup()
    const pages = [await call('/'), await call('/')]
    expect(origin.requests.filter((request) => new URL(request.url).pathname === '/')).toHaveLength(2)
    expect(cache.entries.size).toBe(0)
    const nonces = await Promise.all(
      pages.map(async (page) => {
        const nonce = nonceOf(page)!
        const body = await page.text()
        expect(body).not.toContain(CSP_NONCE_PLACEHOLDER)
        expect(body).toContain(`nonce="${nonce}"`)
        expect(page.headers.get('cache-control')).toBe('no-cache')
        expect(page.headers.get('etag')).toBeNull()
        expect(page.headers.get('content-length')).toBeNull()
        expect(page.headers.get('x-frame-options')).toBe('DENY')
        return nonce
      }),
    )
    expect(nonces[0]).not.toBe(nonces[1])
    // sw.js is not HTML, and not cached either.
    const sw = await call('/sw.js')
    expect(sw.headers.get('cache-control')).toBe('no-cache')
    expect(sw.headers.get('x-marco-edge-cache')).toBe('BYPASS')
    expect(cache.entries.size).toBe(0)
  })

  it('keeps the nonce nginx already put into the page, so header and page agree', async () => {
    const { call } = setup({ nginxNonce: '0123456789abcdef0123456789abcdef' })
    const page = await call('/')
    expect(nonceOf(page)).toBe('0123456789abcdef0123456789abcdef')
    expect(await page.text()).toContain('nonce="0123456789abcdef0123456789abcdef"')
  })

  it('routes /v1/ ingest to the origin untouched: same request, body streamed unread, response as is, never cached', async () => {
    const { call, origin, cache } = setup()
    const body = JSON.stringify({ v: 1, events: [] })
    const response = await call('/v1/batch', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'https://marco.example.com' },
      body,
    })
    const forwarded = origin.requests.at(-1)!
    expect(forwarded.method).toBe('POST')
    expect(forwarded.headers.get('origin')).toBe('https://marco.example.com')
    expect(await response.json()).toEqual({ accepted: 1, received: body })
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-security-policy')).toBeNull()
    const limited = await call('/v1/batch', { method: 'POST', headers: { 'x-test-limit': '1' }, body })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(cache.entries.size).toBe(0)

    // The very Request object the worker got, its body not read by the worker (a stream, not a buffer).
    let seen: Request | undefined
    const passthrough = createEdgeWorker({
      fetchOrigin: async (request: Request) => ((seen = request), new Response(null, { status: 204 })),
      cache: () => memoryCache(),
    })
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body))
        controller.close()
      },
    })
    const original = new Request('https://marco.example.com/v1/batch', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    await passthrough.fetch(original, {}, { waitUntil() {} })
    expect(seen).toBe(original)
    expect(seen!.bodyUsed).toBe(false)
  })

  it('replaces the nonce placeholder split across any two chunks', async () => {
    const text = `a${CSP_NONCE_PLACEHOLDER}b${CSP_NONCE_PLACEHOLDER}__CSP_c_`
    for (let cut = 0; cut <= text.length; cut++) {
      const source = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, cut)))
          controller.enqueue(new TextEncoder().encode(text.slice(cut)))
          controller.close()
        },
      })
      const out = await new Response(source.pipeThrough(replaceInStream(CSP_NONCE_PLACEHOLDER, 'N0NCE'))).text()
      expect(out, `cut at ${cut}`).toBe('aN0NCEbN0NCE__CSP_c_')
    }
  })

  it('answers an edge cache hit quickly (p99 reported, not asserted)', async () => {
    const { call } = setup()
    await call('/assets/smooth-BBBB2222.wasm')
    const times: number[] = []
    for (let i = 0; i < 500; i++) {
      const started = performance.now()
      const response = await call('/assets/smooth-BBBB2222.wasm')
      await response.arrayBuffer()
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    const p50 = times[Math.floor(times.length * 0.5)]!
    const p99 = times[Math.floor(times.length * 0.99)]!
    console.log(
      `edge worker, cache hit in Node: p50 ${p50.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms (target on Cloudflare: p99 < 100 ms)`,
    )
    expect(p99).toBeGreaterThan(0)
  })
})

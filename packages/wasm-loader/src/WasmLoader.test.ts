import { getEventListeners } from 'node:events'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMonitor } from '@marco/core'
import {
  createFakeContext,
  createMemoryCaches,
  startFileServer,
  type FileServer,
  type MemoryCaches,
} from '@marco/testing'
import { ADD_WAT, LOG_WAT, sri, wat } from './fixtures'
import type { WasmLoadProfile, WasmScope } from './types'
import { WasmLoader } from './WasmLoader'
import { WasmCompileError, WasmIntegrityError, WasmLinkError, WasmLoadError, WasmNetworkError } from './WasmLoadError'

let add: Uint8Array
let log: Uint8Array
let server: FileServer
let caches: MemoryCaches

beforeAll(async () => {
  ;[add, log] = await Promise.all([wat(ADD_WAT), wat(LOG_WAT)])
})
beforeEach(async () => {
  server = await startFileServer()
  server.file('/add.wasm', add)
  caches = createMemoryCaches()
})
afterEach(() => server.close())

function scope(overrides: Partial<Record<keyof WasmScope, unknown>> = {}): WasmScope {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    caches,
    crypto: globalThis.crypto,
    performance: globalThis.performance,
    WebAssembly,
    console,
    ...overrides,
  } as WasmScope
}

const addOf = (instance: WebAssembly.Instance) => instance.exports.add as (a: number, b: number) => number

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

describe('WasmLoader', () => {
  it('compiles while downloading when the server sends application/wasm', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const { instance, profile } = await loader.load(`${server.origin}/add.wasm`)
    expect(addOf(instance)(2, 3)).toBe(5)
    expect(profile).toMatchObject({
      ok: true,
      streaming: true,
      mimeFallback: false,
      cacheHit: false,
      bytes: add.byteLength,
    })
    expect(loader.stats()).toEqual({ loads: 1, failures: 0, cacheHits: 0, mimeFallbacks: 0 })
  })

  it('falls back to arrayBuffer() and counts it when the server sends the wrong MIME type', async () => {
    server.file('/octet.wasm', add, 'application/octet-stream')
    // compileStreaming accepts exactly application/wasm: a parameter is as wrong as another type.
    server.file('/charset.wasm', add, 'application/wasm; charset=utf-8')
    const compileStreaming = vi.spyOn(WebAssembly, 'compileStreaming')
    try {
      const loader = new WasmLoader({ scope: scope() })
      for (const path of ['/octet.wasm', '/charset.wasm']) {
        const { instance, profile } = await loader.load(`${server.origin}${path}`)
        expect(addOf(instance)(20, 22)).toBe(42)
        expect(profile).toMatchObject({ ok: true, streaming: false, mimeFallback: true })
      }
      expect(loader.stats()).toMatchObject({ loads: 2, mimeFallbacks: 2 })
      expect(compileStreaming).not.toHaveBeenCalled()
    } finally {
      compileStreaming.mockRestore()
    }
  })

  it('rejects a non-OK response with its status and URL, and never compiles it', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile')
    const compileStreaming = vi.spyOn(WebAssembly, 'compileStreaming')
    try {
      const loader = new WasmLoader({ scope: scope() })
      const error = await rejection(loader.load(`${server.origin}/missing.wasm`))
      expect(error).toBeInstanceOf(WasmNetworkError)
      expect(error).toMatchObject({
        name: 'WasmNetworkError',
        phase: 'fetch',
        status: 404,
        url: `${server.origin}/missing.wasm`,
      })
      expect(compile).not.toHaveBeenCalled()
      expect(compileStreaming).not.toHaveBeenCalled()
      expect(server.hits.get('/missing.wasm')).toBe(1) // a 404 is not retried
    } finally {
      compile.mockRestore()
      compileStreaming.mockRestore()
    }
  })

  it("describes an HTML page served as wasm: first bytes, size and the engine's reason", async () => {
    const html = '<!doctype html><title>Not found</title>'
    server.file('/spa.wasm', html)
    const loader = new WasmLoader({ scope: scope() })
    const error = (await rejection(loader.load(`${server.origin}/spa.wasm`))) as WasmCompileError
    expect(error).toBeInstanceOf(WasmCompileError)
    expect(error).toMatchObject({ phase: 'compile', firstBytes: '3c21646f63747970', size: html.length })
    expect(error.cause).toBeInstanceOf(WebAssembly.CompileError)
    expect(error.message).toContain(`${html.length} bytes, starting 3c21646f63747970`)
    expect(error.message).toContain(`${server.origin}/spa.wasm`)
  })

  it('verifies integrity before compiling, and stores the verified bytes', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const { instance, profile } = await loader.load(`${server.origin}/add.wasm`, {}, { integrity: sri(add) })
    expect(addOf(instance)(1, 1)).toBe(2)
    expect(profile.verifyMs).toBeGreaterThanOrEqual(0)
    await vi.waitFor(() => expect(caches.stored.size).toBe(1))
    // Several digests: only the strongest algorithm counts (SRI), and sha256 may be wrong then.
    await expect(loader.load(add, {}, { integrity: `sha256-AAAA ${sri(add, 'sha384')}` })).resolves.toBeDefined()
  })

  it('rejects bytes that do not match the integrity, naming both digests; nothing is compiled or cached', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile')
    try {
      const loader = new WasmLoader({ scope: scope() })
      const expected = sri(log)
      const error = await rejection(loader.load(`${server.origin}/add.wasm`, {}, { integrity: expected }))
      expect(error).toBeInstanceOf(WasmIntegrityError)
      expect(error).toMatchObject({ phase: 'verify', expected, actual: sri(add) })
      expect(compile).not.toHaveBeenCalled()
      expect(caches.puts).toBe(0)
      expect(loader.stats().failures).toBe(1)
    } finally {
      compile.mockRestore()
    }
  })

  it('refuses to load unverified when SubtleCrypto is missing', async () => {
    const loader = new WasmLoader({ scope: scope({ crypto: {} }) })
    await expect(loader.load(add, {}, { integrity: sri(add) })).rejects.toMatchObject({
      name: 'WasmIntegrityError',
      actual: '',
    })
  })

  it('reads no network on the second load of a module with integrity', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const url = `${server.origin}/add.wasm`
    const integrity = sri(add)
    await loader.load(url, {}, { integrity })
    const second = await loader.load(url, {}, { integrity })
    expect(server.hits.get('/add.wasm')).toBe(1)
    expect(second.profile).toMatchObject({ ok: true, cacheHit: true, bytes: add.byteLength })
    expect(addOf(second.instance)(4, 5)).toBe(9)
    // A new loader (a new page) reads the same cache.
    const third = await new WasmLoader({ scope: scope() }).load(url, {}, { integrity })
    expect(third.profile.cacheHit).toBe(true)
    expect(server.hits.get('/add.wasm')).toBe(1)
  })

  it('goes back to the network when the cached copy is corrupt, and replaces it', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const url = `${server.origin}/add.wasm`
    const integrity = sri(add)
    await loader.load(url, {}, { integrity })
    const [key] = caches.stored.keys()
    caches.stored.set(key!, new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]))
    const { profile } = await loader.load(url, {}, { integrity })
    expect(profile.cacheHit).toBe(false)
    expect(server.hits.get('/add.wasm')).toBe(2)
    await vi.waitFor(() => expect(caches.stored.get(key!)).toEqual(add))
  })

  it('loads from the network when the Cache API is missing or broken', async () => {
    caches.broken = true
    const url = `${server.origin}/add.wasm`
    await expect(new WasmLoader({ scope: scope() }).load(url, {}, { integrity: sri(add) })).resolves.toBeDefined()
    await expect(
      new WasmLoader({ scope: scope({ caches: undefined }) }).load(url, {}, { integrity: sri(add) }),
    ).resolves.toBeDefined()
    expect(server.hits.get('/add.wasm')).toBe(2)
  })

  it('without integrity, keys the cache by URL + ETag: the same ETag reuses the stored bytes, a new one stores anew', async () => {
    let etag = '"v1"'
    server.routes.set('/etag.wasm', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/wasm', etag }).end(add),
    )
    const loader = new WasmLoader({ scope: scope() })
    const url = `${server.origin}/etag.wasm`
    expect((await loader.load(url)).profile).toMatchObject({ cacheHit: false, streaming: true })
    await vi.waitFor(() => expect(caches.stored.size).toBe(1))
    const second = await loader.load(url)
    expect(second.profile).toMatchObject({ ok: true, cacheHit: true, streaming: false, bytes: add.byteLength })
    expect(addOf(second.instance)(6, 7)).toBe(13)
    expect(caches.puts).toBe(1)
    etag = '"v2"'
    expect((await loader.load(url)).profile.cacheHit).toBe(false)
    await vi.waitFor(() => expect(caches.stored.size).toBe(2))
    expect([...caches.stored.keys()].every((key) => key.startsWith(url))).toBe(true)
    expect(loader.stats()).toMatchObject({ loads: 3, cacheHits: 1 })
  })

  it('goes back to the network when an entry under an ETag does not compile', async () => {
    server.file('/etag.wasm', add, 'application/wasm', { etag: '"v1"' })
    const loader = new WasmLoader({ scope: scope() })
    const url = `${server.origin}/etag.wasm`
    await loader.load(url)
    await vi.waitFor(() => expect(caches.stored.size).toBe(1))
    const [key] = caches.stored.keys()
    caches.stored.set(key!, new TextEncoder().encode('<!doctype html>'))
    const { instance, profile } = await loader.load(url)
    expect(profile.cacheHit).toBe(false)
    expect(addOf(instance)(1, 2)).toBe(3)
    await vi.waitFor(() => expect(caches.stored.get(key!)).toEqual(add))
  })

  it('uses the cache named in the options', async () => {
    const open = vi.spyOn(caches, 'open')
    await new WasmLoader({ scope: scope() }).load(
      `${server.origin}/add.wasm`,
      {},
      { integrity: sri(add), cache: { name: 'editor-wasm' } },
    )
    expect(open).toHaveBeenCalledWith('editor-wasm')
  })

  it('does not cache a module without integrity or ETag, nor with cache: false', async () => {
    const loader = new WasmLoader({ scope: scope() })
    await loader.load(`${server.origin}/add.wasm`)
    await loader.load(`${server.origin}/add.wasm`, {}, { integrity: sri(add), cache: false })
    expect(caches.puts).toBe(0)
  })

  it('rejects with the abort reason when aborted, and stops waiting for the server', async () => {
    server.routes.set('/slow.wasm', () => {})
    const loader = new WasmLoader({ scope: scope() })
    const controller = new AbortController()
    const loading = loader.load(`${server.origin}/slow.wasm`, {}, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' })
    // Already aborted: nothing is fetched.
    await expect(loader.load(`${server.origin}/add.wasm`, {}, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    })
    expect(server.hits.get('/add.wasm')).toBeUndefined()
    expect(loader.stats().failures).toBe(2)
  })

  it('times out a server that never answers, retrying first', async () => {
    server.routes.set('/hang.wasm', () => {})
    const loader = new WasmLoader({ scope: scope() })
    const error = await rejection(loader.load(`${server.origin}/hang.wasm`, {}, { timeoutMs: 100, retries: 1 }))
    expect(error).toMatchObject({ name: 'WasmNetworkError', status: 0, phase: 'fetch' })
    expect((error as Error).message).toMatch(/timed out/)
    expect(server.hits.get('/hang.wasm')).toBe(2)
  })

  it('rejects with the abort reason when aborted between attempts, and tries no more', async () => {
    server.routes.set('/down.wasm', (_req, res) => res.writeHead(503).end())
    let responses = 0
    const counting = (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init).finally(() => responses++)
    const controller = new AbortController()
    const loading = new WasmLoader({ scope: scope({ fetch: counting }) }).load(
      `${server.origin}/down.wasm`,
      {},
      { signal: controller.signal, retries: 5 },
    )
    // The 503 is in: the loader now waits 250 ms before its next attempt.
    await vi.waitFor(() => expect(responses).toBe(1))
    controller.abort()
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' })
    expect(server.hits.get('/down.wasm')).toBe(1)
  })

  it('retries a 503 and then loads', async () => {
    let n = 0
    server.routes.set('/flaky.wasm', (_req, res) => {
      if (n++ === 0) res.writeHead(503).end()
      else res.writeHead(200, { 'content-type': 'application/wasm' }).end(add)
    })
    const { profile } = await new WasmLoader({ scope: scope() }).load(`${server.origin}/flaky.wasm`)
    expect(profile.ok).toBe(true)
    expect(server.hits.get('/flaky.wasm')).toBe(2)
  })

  it('picks the best variant the engine supports, checked against the digests listed for all of them', async () => {
    const builds = {
      '/v/core.mt.wasm': await wat(ADD_WAT.replace('i32.add', 'i32.add nop')),
      '/v/core.simd.wasm': await wat(ADD_WAT.replace('i32.add', 'i32.add nop nop')),
      '/v/core.wasm': add,
    }
    for (const [path, bytes] of Object.entries(builds)) server.file(path, bytes)
    const integrity = Object.values(builds)
      .map((bytes) => sri(bytes))
      .join(' ')
    const variants = { threads: 'core.mt.wasm', simd: 'core.simd.wasm', baseline: 'core.wasm' }
    const loader = new WasmLoader({ scope: scope() })
    const supports = vi.spyOn(loader, 'supports')
    const base = loader.supports()
    for (const [features, variant, path] of [
      [{ ...base, threads: true, simd: true }, 'threads', '/v/core.mt.wasm'],
      [{ ...base, threads: false, simd: true }, 'simd', '/v/core.simd.wasm'],
      [{ ...base, threads: false, simd: false }, 'baseline', '/v/core.wasm'],
    ] as const) {
      supports.mockReturnValue(features)
      const { profile } = await loader.load(`${server.origin}/v/`, {}, { variants, integrity })
      expect(profile).toMatchObject({ variant, url: `${server.origin}${path}`, bytes: builds[path].byteLength })
      expect(server.hits.get(path)).toBe(1)
    }
    // The chosen build's digest missing from the list: refused.
    await expect(
      loader.load(`${server.origin}/v/`, {}, { variants, integrity: sri(builds['/v/core.mt.wasm']), cache: false }),
    ).rejects.toBeInstanceOf(WasmIntegrityError)
  })

  it('names the missing import in a WasmLinkError', async () => {
    const loader = new WasmLoader({ scope: scope() })
    for (const imports of [{}, { env: {} }, { env: { log: 1 } }]) {
      const error = await rejection(loader.load(log, imports as WebAssembly.Imports))
      expect(error).toBeInstanceOf(WasmLinkError)
      expect(error).toMatchObject({ phase: 'instantiate', module: 'env', importName: 'log' })
      expect((error as Error).message).toContain('"env"."log"')
    }
    const seen: number[] = []
    const { instance } = await loader.load(log, { env: { log: (n: number) => seen.push(n) } })
    ;(instance.exports.run as () => void)()
    expect(seen).toEqual([42])
  })

  it('loads from bytes, an ArrayBuffer view and a Response', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const padded = new Uint8Array(add.byteLength + 8)
    padded.set(add, 4)
    for (const source of [
      add.slice().buffer,
      padded.subarray(4, 4 + add.byteLength),
      await fetch(`${server.origin}/add.wasm`),
    ]) {
      expect(addOf((await loader.load(source)).instance)(3, 4)).toBe(7)
    }
  })

  it('reports progress up to the whole size, and survives a throwing listener', async () => {
    server.file('/sized.wasm', add, 'application/wasm', { 'content-length': String(add.byteLength) })
    server.file('/sized-octet.wasm', add, 'application/octet-stream', { 'content-length': String(add.byteLength) })
    const loader = new WasmLoader({ scope: scope() })
    for (const path of ['/sized.wasm', '/sized-octet.wasm']) {
      const seen: { loaded: number; total: number | undefined }[] = []
      await loader.load(
        `${server.origin}${path}`,
        {},
        {
          onProgress: (progress) => {
            seen.push(progress)
            throw new Error('listener bug')
          },
        },
      )
      expect(seen.at(-1)).toEqual({ loaded: add.byteLength, total: add.byteLength })
    }
  })

  it('wraps an unexpected failure in a WasmLoadError with its phase', async () => {
    const loader = new WasmLoader({ scope: scope() })
    const start = await wat(`(module (func $boom unreachable) (start $boom))`)
    const error = await rejection(loader.load(start))
    expect(error).toBeInstanceOf(WasmLoadError)
    expect(error).toMatchObject({ phase: 'instantiate', name: 'WasmLoadError' })
  })

  it('marks each phase on the performance timeline', async () => {
    performance.clearMeasures()
    await new WasmLoader({ scope: scope() }).load(`${server.origin}/add.wasm`, {}, { integrity: sri(add) })
    const names = performance.getEntriesByType('measure').map((entry) => entry.name)
    expect(names).toEqual(expect.arrayContaining(['marco-wasm:fetch', 'marco-wasm:compile', 'marco-wasm:instantiate']))
  })

  it('reports every load to onLoad listeners; set up in the runtime, a throwing listener reaches its error boundary', async () => {
    const context = createFakeContext()
    const loader = new WasmLoader({ scope: scope() })
    const profiles: WasmLoadProfile[] = []
    const stop = loader.onLoad((profile) => profiles.push(profile))
    const bug = new Error('listener bug')
    loader.onLoad(() => {
      throw bug
    })
    const teardown = loader.setup(context)
    await loader.load(`${server.origin}/add.wasm`)
    await rejection(loader.load(`${server.origin}/missing.wasm`))
    expect(profiles).toMatchObject([
      { ok: true, streaming: true, bytes: add.byteLength, url: `${server.origin}/add.wasm` },
      { ok: false, phase: 'fetch', error: 'WasmNetworkError', bytes: 0 },
    ])
    // What the runtime hands to performance analytics' recordWasmLoad.
    for (const key of ['fetchMs', 'verifyMs', 'compileMs', 'instantiateMs', 'totalMs'] as const)
      expect(typeof profiles[0]![key]).toBe('number')
    expect(context.errors).toEqual([bug, bug])
    teardown()
    stop()
    await loader.load(add)
    expect(profiles).toHaveLength(2)
    // Back on its own boundary: the runtime no longer hears of it.
    expect(context.errors).toHaveLength(2)
    expect(context.queue.events).toHaveLength(0)
  })
})

describe('WasmLoader.supports', () => {
  it('detects the engine features once, and none without WebAssembly', () => {
    const loader = new WasmLoader({ scope: scope() })
    const features = loader.supports()
    expect(features).toMatchObject({ simd: true, bulkMemory: true, multiValue: true, referenceTypes: true })
    // Node is not cross-origin isolated: no threads, whatever the engine can do.
    expect(features.threads).toBe(false)
    expect(loader.supports()).toBe(features)
    expect(new WasmLoader({ scope: {} }).supports()).toMatchObject({ simd: false, threads: false, gc: false })
  })

  it('reports threads when the engine has them and the page is cross-origin isolated', () => {
    const isolated = new WasmLoader({
      scope: scope({ WebAssembly: { validate: () => true }, SharedArrayBuffer, crossOriginIsolated: true }),
    })
    expect(isolated.supports().threads).toBe(true)
  })
})

// Found by a hostile review; each of these failed before its fix.
/** First request: headers and 10 bytes of the body, then `first` (stall or drop); later requests: the module. */
function flakyBody(path: string, first: 'stall' | 'drop') {
  let n = 0
  server.routes.set(path, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/wasm', 'content-length': String(add.byteLength) })
    if (n++ > 0) return void res.end(add)
    res.write(add.subarray(0, 10))
    if (first === 'drop') setTimeout(() => res.socket?.destroy(), 20)
  })
}

describe('WasmLoader: a body that stalls or breaks off, bad options, one signal for many loads', () => {
  it('retries a download whose body stalls past timeoutMs, as it retries any other time-out', async () => {
    flakyBody('/stall.wasm', 'stall')
    const loader = new WasmLoader({ scope: scope() })
    const { instance } = await loader.load(`${server.origin}/stall.wasm`, {}, { timeoutMs: 200, retries: 2 })
    expect(addOf(instance)(2, 2)).toBe(4)
    expect(server.hits.get('/stall.wasm')).toBe(2)
  })

  it('retries a download whose connection drops mid-body, as it retries any other network error', async () => {
    flakyBody('/drop.wasm', 'drop')
    const loader = new WasmLoader({ scope: scope() })
    const { instance } = await loader.load(`${server.origin}/drop.wasm`, {}, { retries: 2 })
    expect(addOf(instance)(2, 3)).toBe(5)
    expect(server.hits.get('/drop.wasm')).toBe(2)
  })

  it('rejects a connection dropped mid-body with WasmNetworkError (status 0, phase fetch), not a compile failure', async () => {
    flakyBody('/drop.wasm', 'drop')
    const loader = new WasmLoader({ scope: scope() })
    const profiles: WasmLoadProfile[] = []
    loader.onLoad((profile) => profiles.push(profile))
    const error = await rejection(loader.load(`${server.origin}/drop.wasm`, {}, { retries: 0 }))
    expect(error).toBeInstanceOf(WasmNetworkError)
    expect(error).toMatchObject({ name: 'WasmNetworkError', status: 0, phase: 'fetch' })
    expect(profiles[0]).toMatchObject({ ok: false, phase: 'fetch', error: 'WasmNetworkError' })
  })

  it('treats timeoutMs: Infinity as no time-out rather than timing every attempt out at once', async () => {
    server.routes.set('/slowish.wasm', (_req, res) =>
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/wasm' }).end(add), 30),
    )
    const reported: unknown[] = []
    const loader = new WasmLoader({ scope: scope(), monitor: createMonitor({ onError: (e) => reported.push(e) }) })
    const { instance } = await loader.load(`${server.origin}/slowish.wasm`, {}, { timeoutMs: Infinity })
    expect(addOf(instance)(1, 2)).toBe(3)
    // The clamp is said once (the monitor logs it in debug mode).
    expect(reported).toEqual([
      expect.objectContaining({ name: 'RangeError', message: expect.stringContaining('timeoutMs Infinity is none') }),
    ])
  })

  it('gives up after a bounded number of attempts when retries is NaN (clamped, not endless)', async () => {
    server.routes.set('/down.wasm', (_req, res) => res.writeHead(503).end())
    const controller = new AbortController()
    const reported: unknown[] = []
    const loading = new WasmLoader({ scope: scope(), monitor: createMonitor({ onError: (e) => reported.push(e) }) })
      .load(`${server.origin}/down.wasm`, {}, { retries: Number.NaN, signal: controller.signal })
      .then(
        () => 'loaded',
        (error: unknown) => error,
      )
    // The default (2 retries: 250 + 500 ms of back-off) has long given up after 2.5 s.
    const outcome = await Promise.race([loading, new Promise((resolve) => setTimeout(resolve, 2_500, 'pending'))])
    controller.abort()
    await loading
    expect(outcome).toBeInstanceOf(WasmNetworkError)
    expect(server.hits.get('/down.wasm')).toBeLessThanOrEqual(3)
    expect(reported).toEqual([
      expect.objectContaining({ name: 'RangeError', message: expect.stringContaining('retries NaN is 2') }),
    ])
  })

  it("leaves no listener on the caller's AbortSignal after a load that retried", async () => {
    let n = 0
    server.routes.set('/flaky.wasm', (_req, res) => {
      if (n++ % 2 === 0) res.writeHead(503).end()
      else res.writeHead(200, { 'content-type': 'application/wasm' }).end(add)
    })
    // One signal for the page's lifetime, shared by its loads.
    const controller = new AbortController()
    const loader = new WasmLoader({ scope: scope() })
    for (let i = 0; i < 3; i++) await loader.load(`${server.origin}/flaky.wasm`, {}, { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('clears its back-off timer when aborted while waiting to retry', async () => {
    server.routes.set('/down.wasm', (_req, res) => res.writeHead(503).end())
    const setTimer = vi.spyOn(globalThis, 'setTimeout')
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout')
    try {
      const controller = new AbortController()
      const loading = new WasmLoader({ scope: scope() }).load(
        `${server.origin}/down.wasm`,
        {},
        { signal: controller.signal, retries: 8 },
      )
      // The 503 is in: the loader waits 250 ms before its next attempt.
      await vi.waitFor(() => expect(setTimer.mock.calls.some(([, ms]) => ms === 250)).toBe(true))
      const index = setTimer.mock.calls.findIndex(([, ms]) => ms === 250)
      const backOff = setTimer.mock.results[index]!.value
      controller.abort()
      await expect(loading).rejects.toMatchObject({ name: 'AbortError' })
      expect(clearTimer.mock.calls.map(([handle]) => handle)).toContain(backOff)
    } finally {
      setTimer.mockRestore()
      clearTimer.mockRestore()
    }
  })
})

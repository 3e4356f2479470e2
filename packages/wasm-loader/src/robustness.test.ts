// What an unlucky network (a body that stalls or breaks off) and a careless app (NaN or Infinity options, one
// AbortSignal for many loads, lengths and maxima no memory can have) cannot do to the loader and the pool: each
// case was a defect found in review, and each test fails without its fix.
import { getEventListeners } from 'node:events'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMonitor } from '@marco/core'
import { createMemoryCaches, startFileServer, type FileServer, type MemoryCaches } from '@marco/testing'
import { ADD_WAT, wat } from './fixtures'
import { MemoryPool } from './MemoryPool'
import type { WasmLoadProfile, WasmScope } from './types'
import { WasmLoader } from './WasmLoader'
import { WasmNetworkError } from './WasmLoadError'

let add: Uint8Array
let server: FileServer
let caches: MemoryCaches

beforeAll(async () => {
  add = await wat(ADD_WAT)
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

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const addOf = (instance: WebAssembly.Instance) => instance.exports.add as (a: number, b: number) => number

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

describe('MemoryPool: lengths and maxima no memory can have', () => {
  it('never hands out a scratch array shorter than 16 elements or than the length asked (NaN, Infinity, 2 ** 32 + 1)', () => {
    const error = vi.fn()
    const pool = new MemoryPool({ initialPages: 1, debug: true, shared: false, scope: { console: { error } as never } })
    expect(pool.acquire(Float32Array, Number.NaN).length).toBeGreaterThanOrEqual(16)
    expect(pool.acquire(Float32Array, Number.POSITIVE_INFINITY).length).toBeGreaterThanOrEqual(16)
    expect(error).toHaveBeenCalledTimes(2) // each clamp said once, in debug mode
    let huge: Uint8Array | undefined
    try {
      huge = pool.acquire(Uint8Array, 2 ** 32 + 1)
    } catch {
      // Refusing a length no typed array can have is fine; a silently shorter array is not.
    }
    expect(huge === undefined || huge.length >= 2 ** 32 + 1).toBe(true)
  })

  it('clamps maximumPages past the wasm32 limit (or Infinity) instead of throwing', () => {
    const error = vi.fn()
    const scope = { console: { error } as never }
    for (const maximumPages of [Number.POSITIVE_INFINITY, 100_000])
      expect(() => new MemoryPool({ initialPages: 1, maximumPages, shared: false, debug: true, scope })).not.toThrow()
    expect(error).toHaveBeenCalledTimes(2) // each clamp said once, in debug mode
  })
})

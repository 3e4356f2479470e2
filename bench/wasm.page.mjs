// The in-page half of wasm.bench.mjs: bundled by esbuild from the built @marco/wasm-loader, driven from Node.
import { MemoryPool, WasmLoader } from '@marco/wasm-loader'

const now = () => performance.now()

globalThis.bench = {
  /** The baseline the issue names: fetch, arrayBuffer(), then compile + instantiate (split to time compile). */
  async plain(url) {
    const t0 = now()
    const bytes = await (await fetch(url)).arrayBuffer()
    const t1 = now()
    const module = await WebAssembly.compile(bytes)
    const t2 = now()
    await WebAssembly.instantiate(module, {})
    const t3 = now()
    return { fetchMs: t1 - t0, compileMs: t2 - t1, instantiateMs: t3 - t2, totalMs: t3 - t0, bytes: bytes.byteLength }
  },

  /** Plain `instantiateStreaming(fetch(url))`: no split, only the total. */
  async plainStreaming(url) {
    const t0 = now()
    await WebAssembly.instantiateStreaming(fetch(url), {})
    return { totalMs: now() - t0 }
  },

  /** One WasmLoader load; its own profile (the loader measures with performance.now() too). */
  async loader(url, options) {
    const t0 = now()
    const { profile } = await new WasmLoader().load(url, {}, options)
    return { ...profile, wallMs: now() - t0 }
  },

  /** ns per acquire + release pair, and per `new Float32Array(length)` for comparison. */
  pool({ iterations, length }) {
    return measurePool({ iterations, length })
  },
}

export function measurePool({ iterations, length }) {
  const pool = new MemoryPool({ initialPages: 1, debug: false })
  for (let i = 0; i < 10_000; i++) pool.release(pool.acquire(Float32Array, length))
  let sink = 0
  let t0 = now()
  for (let i = 0; i < iterations; i++) {
    const view = pool.acquire(Float32Array, length)
    view[0] = i
    sink += view[0]
    pool.release(view)
  }
  const pooledNs = ((now() - t0) * 1e6) / iterations
  const debugPool = new MemoryPool({ initialPages: 1, debug: true })
  const debugIterations = Math.max(1, iterations / 100)
  t0 = now()
  for (let i = 0; i < debugIterations; i++) debugPool.release(debugPool.acquire(Float32Array, length))
  const debugNs = ((now() - t0) * 1e6) / debugIterations
  t0 = now()
  for (let i = 0; i < iterations; i++) {
    const view = new Float32Array(length)
    view[0] = i
    sink += view[0]
  }
  const allocNs = ((now() - t0) * 1e6) / iterations
  return { pooledNs, debugNs, allocNs, allocations: pool.stats().allocations, sink }
}

globalThis.benchReady = true

import { MemoryPool, type WasmLoader } from '@marco/wasm-loader'

/** Smooths a stroke's points in WebAssembly on every frame; also the wasm crash button's target. */
export interface Smoother {
  /**
   * A moving average (radius 2) then one Chaikin step over `count` (x, y) points. The result is a view into
   * wasm memory, valid until the next call: draw it or copy it (`slice()`), do not keep it.
   */
  smooth(points: Float32Array, count: number): Float32Array
  /** Polyline length of `count` points. */
  length(points: Float32Array, count: number): number
  /** Executes `unreachable`: a `WebAssembly.RuntimeError` with wasm frames. */
  trap(): void
  readonly pool: MemoryPool
  readonly bytes: number
}

interface SmoothExports {
  average(input: number, count: number, output: number, radius: number): number
  chaikin(input: number, count: number, output: number): number
  length(input: number, count: number): number
  trap(): void
}

const AVERAGE_RADIUS = 2
const PAGE_BYTES = 65_536

/**
 * Loads `smooth.wasm` (hashed, with its SRI, cached in the Cache API) through the runtime's `WasmLoader`,
 * with its linear memory from a `MemoryPool` (unshared: the module imports a plain memory).
 */
export async function loadSmoother(loader: WasmLoader): Promise<Smoother> {
  const pool = new MemoryPool({ initialPages: 2, maximumPages: 256, shared: false })
  const { instance, profile } = await loader.load(
    __WASM_URL__,
    { env: { memory: pool.memory } },
    { integrity: __WASM_INTEGRITY__, cache: true },
  )
  const wasm = instance.exports as unknown as SmoothExports
  /** Room for the input, the averaged copy and the Chaikin output (4 × 8 bytes a point): grows by doubling. */
  const fits = (count: number): boolean => {
    const have = pool.memory.buffer.byteLength
    const missing = Math.ceil((count * 32 - have) / PAGE_BYTES)
    return missing <= 0 || pool.grow(Math.max(missing, have / PAGE_BYTES)) || pool.grow(missing)
  }
  const write = (points: Float32Array, count: number): boolean => {
    if (!fits(count)) return false
    pool.view(Float32Array).set(points.subarray(0, count * 2), 0)
    return true
  }
  return {
    pool,
    bytes: profile.bytes,
    smooth(points, count) {
      // Past the pool's maximum (a stroke of millions of points) the stroke is drawn as it came.
      if (!write(points, count)) return points.subarray(0, count * 2)
      const averaged = count * 8
      const out = averaged * 2
      wasm.average(0, count, averaged, AVERAGE_RADIUS)
      const written = wasm.chaikin(averaged, count, out)
      return pool.view(Float32Array).subarray(out / 4, out / 4 + written * 2)
    },
    length(points, count) {
      return write(points, count) ? wasm.length(0, count) : 0
    },
    trap: () => wasm.trap(),
  }
}

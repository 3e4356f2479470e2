import { globalScope } from '@marco/core'
import { isDevelopment } from './isDevelopment'
import { now } from './now'
import type { WasmScope } from './types'

/** Any typed array. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array

/** A typed array's constructor (`Float32Array`, …, or a subclass). */
export interface TypedArrayConstructor<T extends TypedArray> {
  new (length: number): T
  new (buffer: ArrayBufferLike): T
}

export interface MemoryPoolOptions {
  /** The memory to wrap (e.g. a module's exported memory); default a new one. */
  memory?: WebAssembly.Memory
  /** Pages (64 KiB) of a new memory; default 16 (1 MiB). */
  initialPages?: number
  /**
   * The most pages the pool grows to (and a new memory's maximum); default 16,384 (1 GiB). More than the wasm32
   * limit of 65,536 (4 GiB), `Infinity` included, is that limit (reported in debug mode).
   */
  maximumPages?: number
  /**
   * Whether a new memory is shared; default: when cross-origin isolated. `true` throws where shared memory is missing.
   */
  shared?: boolean
  /**
   * Report scratch misuse (double release, foreign views, writes after release) and clamped inputs with
   * `console.error`; default in development builds.
   */
  debug?: boolean
  scope?: WasmScope
}

export interface MemoryStats {
  pages: number
  bytes: number
  /** The most bytes the memory has had: a `WebAssembly.Memory` never shrinks, so its size now. */
  peakBytes: number
  /** Successful `grow()`s; growth from inside wasm (`memory.grow`) is not counted. */
  growCount: number
  /** Time spent in `grow()`, in ms. */
  growMs: number
  /** Scratch arrays created: flat once frames are warm. */
  allocations: number
}

const PAGE_BYTES = 65_536
/** The most pages a wasm32 memory can have (4 GiB). */
const MAX_PAGES = 65_536
const POISON = 0xa5

/**
 * A `WebAssembly.Memory` that grows up to a maximum, with views that are always current, plus a pool of
 * scratch typed arrays by size class, so per-frame work allocates nothing once warm.
 *
 * @example
 * const pool = new MemoryPool({ memory: instance.exports.memory as WebAssembly.Memory, maximumPages: 4096 })
 * if (!pool.grow(64)) showOutOfMemory() // false past 4096 pages, never a throw
 * pool.view(Float32Array).set(points, pointer / 4) // never a detached buffer, even after growth
 * const scratch = pool.acquire(Float32Array, 1000) // 1024 floats, reused frame after frame
 * pool.release(scratch)
 */
export class MemoryPool {
  /** The wrapped memory (hand it to a module's imports). */
  declare readonly memory: WebAssembly.Memory
  declare private _maximum: number
  declare private _debug: boolean
  declare private _scope: WasmScope
  private _views = new Map<Function, TypedArray>()
  /** Free scratch arrays by type, then by size class. */
  private _free = new Map<Function, TypedArray[][]>()
  /** The free list each scratch array returns to; absent for an array the pool did not make. */
  private _home = new WeakMap<TypedArray, TypedArray[]>()
  private _stats = { growCount: 0, growMs: 0, allocations: 0 }

  constructor(options: MemoryPoolOptions = {}) {
    const scope: WasmScope = (this._scope = options.scope ?? globalScope)
    this._debug = options.debug ?? isDevelopment()
    let maximum = options.maximumPages ?? 16_384
    // WebAssembly.Memory throws past the wasm32 limit (Infinity included).
    if (maximum > MAX_PAGES) {
      this._misuse(`maximumPages ${maximum} is past the wasm32 limit: ${MAX_PAGES}`)
      maximum = MAX_PAGES
    }
    this._maximum = maximum
    this.memory =
      options.memory ??
      new WebAssembly.Memory({
        initial: options.initialPages ?? 16,
        maximum,
        // Only where threads can start (cross-origin isolated) does sharing serve anything.
        shared: options.shared ?? (typeof scope.SharedArrayBuffer === 'function' && !!scope.crossOriginIsolated),
      })
  }

  /**
   * Adds `pages` pages (64 KiB each) unless that passes the maximum. Returns whether it grew; never throws.
   *
   * @example
   * if (!pool.grow(16)) showOutOfMemory()
   */
  grow(pages: number): boolean {
    const stats = this._stats
    const start = now(this._scope)
    let grew = this.memory.buffer.byteLength / PAGE_BYTES + pages <= this._maximum
    try {
      if (grew) this.memory.grow(pages)
    } catch {
      // RangeError: negative pages, a wrapped memory's own maximum, or the engine could not reserve the memory.
      grew = false
    }
    stats.growMs += now(this._scope) - start
    stats.growCount += +grew
    return grew
  }

  /**
   * A view of the whole memory, re-created only when the memory has grown: call it where you use it rather
   * than keeping the result, and it is never over a detached buffer.
   *
   * @example
   * pool.view(Uint8Array).set(bytes, pointer)
   */
  view<T extends TypedArray>(type: TypedArrayConstructor<T>): T {
    const buffer = this.memory.buffer
    let view = this._views.get(type) as T | undefined
    if (view?.buffer !== buffer) this._views.set(type, (view = new type(buffer)))
    return view!
  }

  /**
   * Memory counters, and the scratch arrays the pool has created.
   *
   * @example
   * const { pages, growCount, growMs, allocations } = pool.stats()
   */
  stats(): MemoryStats {
    const bytes = this.memory.buffer.byteLength
    return { ...this._stats, pages: bytes / PAGE_BYTES, bytes, peakBytes: bytes }
  }

  /**
   * A scratch typed array of at least `length` elements (the next power of two, at least 16), reused from the
   * pool when one of its size class is free. Its contents are whatever was left in it. Give it back with
   * `release`. A length that is not finite (`NaN`, `Infinity`) counts as 0 (reported in debug mode); one past
   * 2 ** 32, the largest size class, throws a `RangeError`.
   *
   * @example
   * const positions = pool.acquire(Float32Array, count * 2)
   */
  acquire<T extends TypedArray>(type: TypedArrayConstructor<T>, length: number): T {
    if (!Number.isFinite(length)) {
      this._misuse(`acquire() of ${length} elements: 16 instead`)
      length = 0
    }
    // The largest size class (clz32 below wraps past it); no engine makes a typed array that long anyway.
    if (length > 2 ** 32) throw new RangeError(`MemoryPool: acquire() of ${length} elements, more than 2 ** 32`)
    const bits = 32 - Math.clz32(Math.max(length, 16) - 1)
    let lists = this._free.get(type)
    if (!lists) this._free.set(type, (lists = []))
    const free = (lists[bits] ??= [])
    let view = free.pop() as T | undefined
    if (!view) {
      this._home.set((view = new type(2 ** bits)), free)
      this._stats.allocations++
    } else if (this._debug && !new Uint8Array(view.buffer).every((byte) => byte === POISON))
      this._misuse(`a ${type.name} was written after release()`)
    return view
  }

  /**
   * Returns a scratch array to the pool; do not use it afterwards. A view released again while still in the
   * pool, or not from this pool, is ignored (and reported in debug mode, where released views are also filled
   * with 0xA5 bytes so that a later write to one is reported when it is next acquired). A stale release after
   * the view was handed out again cannot be told from its new owner's, and puts it back in the pool while that
   * owner still uses it.
   *
   * @example
   * pool.release(positions)
   */
  release(view: TypedArray): void {
    const free = this._home.get(view)
    // A free list is short (the arrays of one size class not in use), so searching it is cheap.
    if (!free || free.includes(view)) {
      this._misuse('release() of a view not in use')
      return
    }
    // The pool's arrays own their whole buffer.
    if (this._debug) new Uint8Array(view.buffer).fill(POISON)
    free.push(view)
  }

  /** Reports misuse or a clamped input, in debug mode only. */
  private _misuse(message: string): void {
    if (this._debug) this._scope.console?.error(`[marco] MemoryPool: ${message}`)
  }
}

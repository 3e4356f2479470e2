import { describe, expect, it, vi } from 'vitest'
import { MemoryPool } from './MemoryPool'

const PAGE = 65_536
const isShared = (pool: MemoryPool) => pool.memory.buffer instanceof SharedArrayBuffer
/** A scope whose console.error the debug checks report to. */
const reporting = () => {
  const error = vi.fn()
  return { error, scope: { console: { error } as unknown as Console } }
}

describe('MemoryPool', () => {
  it('hands out views that follow the memory as it grows, never a detached buffer', () => {
    const pool = new MemoryPool({ initialPages: 1, maximumPages: 8, shared: false })
    const before = pool.view(Float32Array)
    before[10] = 1.5
    expect(pool.view(Float32Array)).toBe(before) // no new view while the memory is unchanged
    expect(pool.grow(2)).toBe(true)
    expect(before.byteLength).toBe(0) // the engine detached the old buffer…
    const after = pool.view(Float32Array)
    expect(after.byteLength).toBe(3 * PAGE) // …the pool re-created the view
    expect(after[10]).toBe(1.5)
    expect(pool.view(Uint8Array).byteLength).toBe(3 * PAGE)
    // Growth from inside the module (memory.grow) is followed too.
    pool.memory.grow(1)
    expect(pool.view(Float32Array).byteLength).toBe(4 * PAGE)
  })

  it('grows up to its maximum, says no past it without throwing, and counts the growth', () => {
    const pool = new MemoryPool({ initialPages: 2, maximumPages: 10, shared: false })
    expect(pool.stats()).toMatchObject({
      pages: 2,
      bytes: 2 * PAGE,
      peakBytes: 2 * PAGE,
      growCount: 0,
      growMs: 0,
      allocations: 0,
    })
    expect(pool.grow(2)).toBe(true)
    expect(pool.grow(6)).toBe(true)
    expect(pool.grow(1)).toBe(false) // 11 > 10
    expect(pool.grow(-1)).toBe(false)
    expect(pool.memory.buffer.byteLength).toBe(10 * PAGE)
    const stats = pool.stats()
    expect(stats).toMatchObject({ pages: 10, bytes: 10 * PAGE, peakBytes: 10 * PAGE, growCount: 2 })
    expect(stats.growMs).toBeGreaterThanOrEqual(0)
    expect(isShared(pool)).toBe(false)
  })

  it('times its growth with the scope clock', () => {
    let now = 0
    const pool = new MemoryPool({ initialPages: 1, scope: { performance: { now: () => (now += 5) } as Performance } })
    pool.grow(1)
    pool.grow(1)
    expect(pool.stats()).toMatchObject({ growCount: 2, growMs: 10 })
  })

  it('says no when a wrapped memory has a lower maximum of its own', () => {
    const pool = new MemoryPool({ memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }), maximumPages: 100 })
    expect(pool.grow(1)).toBe(true)
    expect(pool.grow(1)).toBe(false)
    expect(pool.stats()).toMatchObject({ pages: 2, growCount: 1 })
  })

  it('wraps a given memory, shared ones included', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true })
    const pool = new MemoryPool({ memory })
    expect(pool.memory).toBe(memory)
    const view = pool.view(Int32Array)
    Atomics.store(view, 0, 7)
    expect(pool.grow(1)).toBe(true)
    expect(pool.view(Int32Array).length).toBe((2 * PAGE) / 4)
    expect(Atomics.load(pool.view(Int32Array), 0)).toBe(7)
    expect(isShared(pool)).toBe(true)
  })

  it('creates a shared memory only when asked or when cross-origin isolated', () => {
    expect(isShared(new MemoryPool({ scope: {} }))).toBe(false)
    expect(isShared(new MemoryPool({ scope: { SharedArrayBuffer, crossOriginIsolated: true } }))).toBe(true)
    expect(isShared(new MemoryPool({ shared: false, scope: { SharedArrayBuffer, crossOriginIsolated: true } }))).toBe(
      false,
    )
    expect(isShared(new MemoryPool({ shared: true, maximumPages: 64 }))).toBe(true)
  })

  it('reuses scratch arrays by size class: a warm frame loop allocates nothing', () => {
    let constructed = 0
    class CountingFloat32Array extends Float32Array {
      constructor(length: number | ArrayBufferLike) {
        super(length as number)
        constructed++
      }
    }
    const pool = new MemoryPool({ initialPages: 1, debug: false })
    const frame = () => {
      const a = pool.acquire(CountingFloat32Array, 1000)
      const b = pool.acquire(CountingFloat32Array, 3000)
      const c = pool.acquire(CountingFloat32Array, 900)
      a[0] = b[0] = c[0] = 1
      pool.release(a)
      pool.release(b)
      pool.release(c)
    }
    frame()
    const warm = constructed
    expect(warm).toBe(3)
    for (let i = 0; i < 1000; i++) frame()
    expect(constructed).toBe(warm)
    expect(pool.stats().allocations).toBe(3)
  })

  it('rounds lengths up to a power of two, at least 16, and keeps types apart', () => {
    const pool = new MemoryPool({ initialPages: 1 })
    expect(pool.acquire(Uint8Array, 0).length).toBe(16)
    expect(pool.acquire(Uint8Array, 1).length).toBe(16)
    expect(pool.acquire(Uint8Array, 16).length).toBe(16)
    expect(pool.acquire(Uint8Array, 17).length).toBe(32)
    expect(pool.acquire(Float64Array, 1024).length).toBe(1024)
    const bytes = pool.acquire(Uint8Array, 64)
    pool.release(bytes)
    expect(pool.acquire(Int8Array, 64)).not.toBe(bytes)
    expect(pool.acquire(Uint8Array, 64)).toBe(bytes)
  })

  it('in debug mode reports a double release, a foreign view and a write after release', () => {
    const { error, scope } = reporting()
    const pool = new MemoryPool({ initialPages: 1, debug: true, scope })
    const view = pool.acquire(Float32Array, 64)
    pool.release(view)
    pool.release(view)
    expect(error).toHaveBeenLastCalledWith('[marco] MemoryPool: release() of a view not in use')
    pool.release(new Float32Array(64)) // not from this pool
    expect(error).toHaveBeenCalledTimes(2)
    view[3] = 1 // use after release
    expect(pool.acquire(Float32Array, 64)).toBe(view)
    expect(error).toHaveBeenLastCalledWith(expect.stringContaining('Float32Array was written after release()'))
    expect(error).toHaveBeenCalledTimes(3)
    // An untouched released view passes the check.
    pool.release(view)
    pool.acquire(Float32Array, 64)
    expect(error).toHaveBeenCalledTimes(3)
  })

  it('hands out a view released twice in a row only once, also without the debug checks', () => {
    const { error, scope } = reporting()
    const pool = new MemoryPool({ initialPages: 1, debug: false, scope })
    const view = pool.acquire(Uint32Array, 100)
    pool.release(view)
    pool.release(view)
    expect(pool.acquire(Uint32Array, 100)).toBe(view)
    expect(pool.acquire(Uint32Array, 100)).not.toBe(view)
    expect(error).not.toHaveBeenCalled()
    expect(pool.stats().allocations).toBe(2)
  })

  it('checks in development builds by default', () => {
    const { error, scope } = reporting()
    const pool = new MemoryPool({ initialPages: 1, scope })
    pool.release(new Uint8Array(16))
    expect(error).toHaveBeenCalledTimes(1) // NODE_ENV is 'test' here
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

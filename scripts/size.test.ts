import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname

describe('pnpm run size --why', () => {
  it('names what each module of a budget costs, the shared core pieces included', () => {
    const out = execFileSync(process.execPath, ['scripts/size.mjs', '--why', 'wasm-loader: WasmLoader, MemoryPool'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    })
    const [title, , ...rows] = out.trim().split('\n')
    const total = Number(/: (\d+) B brotli$/.exec(title!)![1])
    const costs = new Map(
      rows
        .map((row) => row.split('|').map((cell) => cell.trim()))
        .map(([brotli, own, module]) => [module!, { brotli: Number(brotli), own: Number(own) }]),
    )
    const pool = costs.get('packages/wasm-loader/dist/MemoryPool.mjs')!
    const loader = costs.get('packages/wasm-loader/dist/WasmLoader.mjs')!
    expect(pool.own).toBeGreaterThan(0)
    expect(pool.brotli).toBeGreaterThan(0)
    // The loader brings in the fetch, integrity and feature-detection modules: more than its own code.
    expect(loader.brotli).toBeGreaterThan(pool.brotli)
    expect(loader.brotli).toBeLessThan(total)
    expect([...costs.keys()].some((module) => module.startsWith('packages/core/dist/'))).toBe(true)
  })
})

// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { ADD_WAT, wat } from './fixtures'

describe('@marco/wasm-loader', () => {
  it('imports in plain Node, with no window, and runs nothing on import', async () => {
    const module = await import('./index')
    expect(Object.keys(module).sort()).toEqual(
      [
        'MemoryPool',
        'WasmCompileError',
        'WasmIntegrityError',
        'WasmLinkError',
        'WasmLoadError',
        'WasmLoader',
        'WasmNetworkError',
      ].sort(),
    )
    const loader = new module.WasmLoader()
    const { instance } = await loader.load(await wat(ADD_WAT))
    expect((instance.exports.add as (a: number, b: number) => number)(2, 3)).toBe(5)
    expect(loader.stats()).toMatchObject({ loads: 1, failures: 0 })
    expect(new module.MemoryPool({ initialPages: 1 }).stats().pages).toBe(1)
  })
})

import { describe, expect, it } from 'vitest'

describe('@marco/wasm-loader', () => {
  it('imports in plain Node, with no window, and runs nothing on import', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
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
    expect(loader.name).toBe('wasm-loader')
    expect(new module.MemoryPool({ initialPages: 1 }).stats().pages).toBe(1)
  })
})

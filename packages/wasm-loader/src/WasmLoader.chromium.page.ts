// The page the Chromium tests load: a WasmLoader and a MemoryPool on the page's own origin.
import { MemoryPool } from './MemoryPool'
import { WasmLoader } from './WasmLoader'

const loader = new WasmLoader()
let evalBlocked = false
try {
  // eslint-disable-next-line no-eval
  ;(0, eval)('1')
} catch {
  evalBlocked = true
}

async function load(url: string, integrity?: string) {
  try {
    const { instance, profile } = await loader.load(url, {}, { integrity })
    return { sum: (instance.exports.add as (a: number, b: number) => number)(2, 40), profile }
  } catch (error) {
    const { name, message, phase } = error as { name: string; message: string; phase?: string }
    return { error: { name, message, phase } }
  }
}

function memory() {
  const pool = new MemoryPool({ initialPages: 1, maximumPages: 16 })
  const view = pool.view(Uint8Array)
  view[100] = 7
  pool.grow(3)
  // SharedArrayBuffer is not even defined on a page that is not cross-origin isolated.
  return {
    shared: typeof SharedArrayBuffer === 'function' && pool.memory.buffer instanceof SharedArrayBuffer,
    length: pool.view(Uint8Array).length,
    kept: pool.view(Uint8Array)[100],
    oldLength: view.length,
  }
}

Object.assign(window, {
  marcoWasm: { loader, load, memory, evalBlocked, supports: () => loader.supports(), stats: () => loader.stats() },
})

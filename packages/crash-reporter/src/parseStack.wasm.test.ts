import { describe, expect, it } from 'vitest'
import { parseStack } from './parseStack'
import { buildNamedWasm, NAMED_FUNCTIONS } from './parseStack.wasmFixture'

async function trapStack(): Promise<{ stack: string; offsets: readonly string[] }> {
  const { bytes, offsets } = await buildNamedWasm()
  const { instance } = await WebAssembly.instantiate(bytes)
  try {
    ;(instance.exports.run as () => void)()
  } catch (error) {
    return { stack: String((error as Error).stack), offsets }
  }
  throw new Error('did not trap')
}

describe('parseStack — wasm functions named by demangled Rust and C++ symbols', () => {
  it('reads the real trap of this Node (V8) whole: each symbol, module, function index and module offset', async () => {
    const { stack, offsets } = await trapStack()
    const frames = parseStack(stack)
    expect(frames.slice(0, 5)).toEqual([
      ...NAMED_FUNCTIONS.map((name, index) => ({
        function: name,
        file: expect.stringMatching(/^wasm:\/\/wasm\/[\da-f]+$/),
        line: undefined,
        column: undefined,
        inApp: true,
        module: expect.stringMatching(/^[\da-f]+$/),
        functionIndex: index,
        offset: offsets[index],
      })),
      // `run` has no name in the name section: V8 prints only its place.
      expect.objectContaining({ function: '?', functionIndex: 4, offset: offsets[4] }),
    ])
    expect(frames[5]!.file).toContain('parseStack.wasm.test.ts')
  })

  it('reads the same frames as Firefox and Safari print them', async () => {
    const { offsets } = await trapStack()
    const url = 'https://app.example/marco_core_bg.wasm'
    const firefox =
      NAMED_FUNCTIONS.map((name, index) => `${name}@${url}:wasm-function[${index}]:${offsets[index]}`).join('\n') +
      '\n@https://app.example/main.js:3:7\n'
    expect(parseStack(firefox).slice(0, 4)).toEqual(
      NAMED_FUNCTIONS.map((name, index) => ({
        function: name,
        file: url,
        line: undefined,
        column: undefined,
        inApp: true,
        module: 'marco_core_bg.wasm',
        functionIndex: index,
        offset: offsets[index],
      })),
    )
    // Safari prints neither URL nor offset, and the symbol in place of the index when there is one.
    const safari =
      NAMED_FUNCTIONS.map((name) => `<?>.wasm-function[${name}]@[wasm code]`).join('\n') +
      '\n<?>.wasm-function[4]@[wasm code]\nglobal code@https://app.example/main.js:3:7'
    expect(parseStack(safari).map((frame) => [frame.function, frame.file, frame.functionIndex])).toEqual([
      ...NAMED_FUNCTIONS.map((name) => [`<?>.wasm-function[${name}]`, '[wasm code]', undefined]),
      ['<?>.wasm-function[4]', '[wasm code]', 4],
      ['global code', 'https://app.example/main.js', undefined],
    ])
  })
})

import wabt from 'wabt'
import { WASM_SYMBOLS } from './parseStack.fixtures'

/** The symbols of functions 0-3 of the named module, in its name section: the trap is in 0, run → 3 → 2 → 1 → 0. */
export const NAMED_FUNCTIONS = [
  WASM_SYMBOLS.drop,
  WASM_SYMBOLS.slice,
  WASM_SYMBOLS.invoke,
  WASM_SYMBOLS.closure,
] as const

export interface NamedWasm {
  readonly bytes: Uint8Array<ArrayBuffer>
  /** Module offset of each function's first instruction (the trap in 0, the call in the others), as `0x…`. */
  readonly offsets: readonly string[]
}

/**
 * A real wasm module whose functions carry demangled Rust and C++ symbols (spaces, parentheses, `<>`, `[]`,
 * `::`, `{{closure}}`) in its name section, as rustc and Emscripten emit them. WAT identifiers cannot hold
 * those characters, so wabt builds the code and the name section (custom section "name", subsection 1:
 * function names) is written here byte by byte. The exported `run` (function 4) has no name entry.
 *
 * @example
 * const { bytes, offsets } = await buildNamedWasm()
 * const { instance } = await WebAssembly.instantiate(bytes)
 * ;(instance.exports.run as () => void)() // RuntimeError: unreachable, at <alloc::vec::Vec<T> as …>::drop
 */
export async function buildNamedWasm(): Promise<NamedWasm> {
  const wat = '(module (func unreachable) (func call 0) (func call 1) (func call 2) (func (export "run") call 3))'
  const code = new Uint8Array((await wabt()).parseWat('names.wat', wat).toBinary({}).buffer)
  const utf8 = (text: string) => [...leb(new TextEncoder().encode(text).length), ...new TextEncoder().encode(text)]
  const names = [
    ...leb(NAMED_FUNCTIONS.length),
    ...NAMED_FUNCTIONS.flatMap((name, index) => [...leb(index), ...utf8(name)]),
  ]
  const payload = [...utf8('name'), 1, ...leb(names.length), ...names]
  return { bytes: new Uint8Array([...code, 0, ...leb(payload.length), ...payload]), offsets: firstInstructions(code) }
}

function leb(value: number): number[] {
  const bytes: number[] = []
  do {
    bytes.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0))
    value >>>= 7
  } while (value)
  return bytes
}

/** Reads the code section: each body is its size, a local declaration count (0 here) and the instructions. */
function firstInstructions(bytes: Uint8Array): string[] {
  let at = 8
  const read = () => {
    let value = 0
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!
      value |= (byte & 0x7f) << shift
      if (byte < 0x80) return value
    }
  }
  while (at < bytes.length) {
    const id = bytes[at++]
    const size = read()
    if (id !== 10) {
      at += size
      continue
    }
    const offsets: string[] = []
    for (let count = read(); count--; ) {
      const bodySize = read()
      offsets.push('0x' + (at + 1).toString(16))
      at += bodySize
    }
    return offsets
  }
  throw new Error('no code section')
}

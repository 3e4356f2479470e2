// Test-only WebAssembly modules for this package's tests (not exported from the package): real modules built
// from WebAssembly text with wabt, and their SRI strings. The file server and the Cache API stand-in the tests
// also use are shared fakes, in @marco/testing.
import { createHash } from 'node:crypto'
import wabt from 'wabt'

/** `(export "add")` of two i32s. */
export const ADD_WAT = `(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))`

/** Needs `env.log` (a function) and exports `run`, which calls it. */
export const LOG_WAT = `(module (import "env" "log" (func $log (param i32))) (func (export "run") i32.const 42 call $log))`

/** WebAssembly text to bytes. */
export async function wat(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const module = (await wabt()).parseWat('test.wat', text)
  try {
    return new Uint8Array(module.toBinary({}).buffer)
  } finally {
    module.destroy()
  }
}

/** The SRI string of some bytes. */
export function sri(bytes: Uint8Array, algorithm: 'sha256' | 'sha384' | 'sha512' = 'sha384'): string {
  return `${algorithm}-${createHash(algorithm).update(bytes).digest('base64')}`
}

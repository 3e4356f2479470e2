import wabt from 'wabt'
import { describe, expect, it } from 'vitest'
import { toExceptions } from './toExceptions'

describe('toExceptions', () => {
  it('keeps an Error with its type, message and parsed stack', () => {
    const [entry] = toExceptions(new TypeError('bad stroke'))
    expect(entry).toMatchObject({ type: 'TypeError', message: 'bad stroke' })
    expect(entry!.frames.length).toBeGreaterThan(0)
  })

  it('takes strings, null, undefined, numbers and plain objects without throwing', () => {
    expect(toExceptions('plain string')).toEqual([{ type: 'Error', message: 'plain string', frames: [] }])
    expect(toExceptions(null)[0]!.message).toBe('Non-Error thrown: null')
    expect(toExceptions(undefined)[0]!.message).toBe('Non-Error thrown: null')
    expect(toExceptions(42)[0]!.message).toBe('Non-Error thrown: 42')
    expect(toExceptions({ code: 7, reason: 'x' })[0]!.message).toBe('Non-Error thrown: {"code":7,"reason":"x"}')
  })

  it('keeps a DOMException by name, and an error-like object', () => {
    expect(toExceptions(new DOMException('The operation was aborted.', 'AbortError'))[0]).toMatchObject({
      type: 'AbortError',
      message: 'The operation was aborted.',
    })
    expect(
      toExceptions({
        name: 'WorkerError',
        message: 'died',
        stack: 'WorkerError: died\n    at w (https://a.example/w.js:1:2)',
      })[0],
    ).toMatchObject({
      type: 'WorkerError',
      frames: [{ function: 'w', line: 1 }],
    })
  })

  it('keeps the cause chain and every inner error of an AggregateError, and survives cycles', () => {
    const root = new Error('root')
    const cyclic = new Error('cyclic') as Error & { cause?: unknown }
    cyclic.cause = cyclic
    const error = new AggregateError([new RangeError('one'), cyclic], 'all failed', { cause: root })
    expect(toExceptions(error).map((entry) => `${entry.type}: ${entry.message}`)).toEqual([
      'AggregateError: all failed',
      'Error: root',
      'RangeError: one',
      'Error: cyclic',
    ])
  })

  it('stops after ten entries', () => {
    let error: Error = new Error('e0')
    for (let i = 1; i < 30; i++) error = new Error(`e${i}`, { cause: error })
    expect(toExceptions(error)).toHaveLength(10)
  })

  it('classifies real WebAssembly traps: unreachable, out of bounds, stack overflow', async () => {
    const wat = `(module (memory 1)
      (func (export "unreachable") unreachable)
      (func (export "oob") (drop (i32.load (i32.const 999999))))
      (func $recurse (export "overflow") call $recurse))`
    const bytes = (await wabt()).parseWat('t.wat', wat).toBinary({}).buffer
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes))
    const kinds = ['unreachable', 'oob', 'overflow'].map((name) => {
      try {
        ;(instance.exports[name] as () => void)()
      } catch (error) {
        return toExceptions(error)[0]!
      }
    })
    expect(kinds.map((entry) => entry!.wasm)).toEqual(['unreachable', 'out_of_bounds', 'stack_overflow'])
    expect(kinds[0]!.type).toBe('RuntimeError')
    expect(kinds[0]!.frames[0]!.functionIndex).toBe(0)
  })
})

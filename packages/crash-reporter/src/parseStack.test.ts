import fc from 'fast-check'
import wabt from 'wabt'
import { describe, expect, it } from 'vitest'
import { parseStack } from './parseStack'
import { STACK_CASES, type ExpectedFrame } from './parseStack.fixtures'
import type { StackFrame } from './types'

const seen = (frame: StackFrame) => ({
  function: frame.function,
  file: frame.file,
  line: frame.line,
  column: frame.column,
  functionIndex: frame.functionIndex,
  offset: frame.offset,
})
const wanted = ([fn, file, line, column, functionIndex, offset]: ExpectedFrame) => ({
  function: fn,
  file,
  line,
  column,
  functionIndex,
  offset,
})

function thrown(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    return (error as Error).stack!
  }
  throw new Error('did not throw')
}

async function rejected(run: () => Promise<unknown>): Promise<string> {
  try {
    await run()
  } catch (error) {
    return (error as Error).stack!
  }
  throw new Error('did not reject')
}

describe('parseStack — real V8 stacks from this Node', () => {
  it('reads named functions, constructors and method calls, newest first, with line and column', () => {
    function namedThrower(): never {
      throw new Error('x')
    }
    class Widget {
      constructor() {
        namedThrower()
      }
    }
    const frames = parseStack(thrown(() => new Widget()))
    expect(frames[0]).toMatchObject({ function: 'namedThrower', file: expect.stringContaining('parseStack.test.ts') })
    expect(frames[0]!.line).toBeGreaterThan(0)
    expect(frames[0]!.column).toBeGreaterThan(0)
    expect(frames[1]!.function).toBe('new Widget')
  })

  it('reads anonymous and native frames', () => {
    const frames = parseStack(thrown(() => [1].map(() => (null as unknown as { x: number }).x)))
    expect(frames[0]!.function).toBe('?')
    expect(frames[0]!.line).toBeGreaterThan(0)
    expect(frames[1]).toMatchObject({ function: 'Array.map', file: '<anonymous>', inApp: false })
  })

  it('reads eval frames as the place of the eval call', () => {
    const frames = parseStack(thrown(() => (0, eval)('function evaluated(){ throw new Error("ev") }; evaluated()')))
    expect(frames[0]).toMatchObject({ function: 'evaluated' })
    expect(frames[0]!.file).not.toContain('eval at')
  })

  it('reads async frames without the async keyword', async () => {
    async function inner(): Promise<never> {
      await null
      throw new Error('async')
    }
    async function outer(): Promise<void> {
      await inner()
    }
    const frames = parseStack(await rejected(outer))
    expect(frames[0]!.function).toBe('inner')
    expect(frames.some((frame) => frame.function.startsWith('async'))).toBe(false)
    // As this Node printed it for an awaited chain at module top level.
    const recorded =
      'Error: async\n    at a1 (file:///tmp/st.mjs:8:41)\n    at async a2 (file:///tmp/st.mjs:9:23)\n    at async file:///tmp/st.mjs:10:7'
    expect(parseStack(recorded)).toEqual([
      { function: 'a1', file: 'file:///tmp/st.mjs', line: 8, column: 41, inApp: true },
      { function: 'a2', file: 'file:///tmp/st.mjs', line: 9, column: 23, inApp: true },
      { function: '?', file: 'file:///tmp/st.mjs', line: 10, column: 7, inApp: true },
    ])
  })

  it('reads WebAssembly frames of a real trap with module, function index and byte offset', async () => {
    const wat = `(module (func $crash unreachable) (func (export "run") call $crash))`
    const bytes = (await wabt()).parseWat('t.wat', wat).toBinary({ write_debug_names: true }).buffer
    const { instance } = await WebAssembly.instantiate(new Uint8Array(bytes))
    const frames = parseStack(thrown(() => (instance.exports.run as () => void)()))
    expect(frames[0]).toMatchObject({
      function: 'crash',
      functionIndex: 0,
      offset: expect.stringMatching(/^0x[\da-f]+$/),
      inApp: true,
    })
    expect(frames[0]!.file).toMatch(/^wasm:\/\/wasm\/[\da-f]+$/)
    expect(frames[0]!.module).toMatch(/^[\da-f]+$/)
    expect(frames[1]).toMatchObject({ function: '?', functionIndex: 1 })
    expect(frames[2]!.file).toContain('parseStack.test.ts')
  })

  it('decides in-app frames by URL pattern', () => {
    const stack = 'Error\n    at a (https://app.example/main.js:1:2)\n    at b (https://cdn.example/lib.js:3:4)'
    expect(parseStack(stack).map((frame) => frame.inApp)).toEqual([true, true])
    expect(parseStack(stack, ['app.example']).map((frame) => frame.inApp)).toEqual([true, false])
    expect(parseStack(stack, [/cdn/]).map((frame) => frame.inApp)).toEqual([false, true])
  })
})

describe('parseStack — Chrome shapes', () => {
  it('reads blob:, webpack and extension URLs, and frames without a function name', () => {
    const stack = [
      'TypeError: boom',
      '    at Object.draw [as render] (blob:https://app.example/4f7a-11:10:5)',
      '    at webpack-internal:///./src/canvas.ts:12:7',
      '    at https://app.example/static/js/main.chunk.js:1:999',
      '    at inject (chrome-extension://abcdef/content.js:4:2)',
      '    at https://app.example/node_modules/lib/index.js:2:3',
    ].join('\n')
    expect(parseStack(stack)).toEqual([
      {
        function: 'Object.draw [as render]',
        file: 'blob:https://app.example/4f7a-11',
        line: 10,
        column: 5,
        inApp: true,
      },
      { function: '?', file: 'webpack-internal:///./src/canvas.ts', line: 12, column: 7, inApp: true },
      { function: '?', file: 'https://app.example/static/js/main.chunk.js', line: 1, column: 999, inApp: true },
      { function: 'inject', file: 'chrome-extension://abcdef/content.js', line: 4, column: 2, inApp: false },
      { function: '?', file: 'https://app.example/node_modules/lib/index.js', line: 2, column: 3, inApp: false },
    ])
  })

  it('reads the older <WASM> frames and native frames', () => {
    const stack =
      'RuntimeError: unreachable\n    at <WASM UNNAMED> (<WASM>[42]+6699)\n    at native\n    at Array.forEach (native)'
    expect(parseStack(stack)).toEqual([
      {
        function: '<WASM UNNAMED>',
        file: '<WASM>[42]+6699',
        inApp: false,
        module: '<WASM>[42]+6699',
        functionIndex: 42,
        offset: '0x1a2b',
        line: undefined,
        column: undefined,
      },
      { function: '?', file: 'native', inApp: false, line: undefined, column: undefined },
      { function: 'Array.forEach', file: 'native', inApp: false, line: undefined, column: undefined },
    ])
  })

  it('reads current Chrome wasm frames with a named module', () => {
    const [frame] = parseStack(
      'RuntimeError: memory access out of bounds\n    at $draw_stroke (wasm://wasm/marco_core-8ac8b5c2:wasm-function[1234]:0x1a2b)',
    )
    expect(frame).toMatchObject({
      function: '$draw_stroke',
      module: 'marco_core-8ac8b5c2',
      functionIndex: 1234,
      offset: '0x1a2b',
      inApp: true,
    })
  })
})

describe('parseStack — Firefox (SpiderMonkey) shapes', () => {
  it('reads named, anonymous, nested, async, eval and wasm frames', () => {
    const stack = [
      'draw@https://app.example/main.js:10:5',
      '@https://app.example/main.js:20:1',
      'render/<@https://app.example/main.js:30:7',
      'async*load@https://app.example/main.js:40:3',
      'evaluated@https://app.example/main.js line 55 > eval:1:3',
      'make@https://app.example/main.js line 60 > Function:2:1',
      '$crash@https://app.example/core.wasm:wasm-function[7]:0x2d',
      'run@https://app.example/main.js line 70 > WebAssembly.instantiate:wasm-function[8]:0x31',
      'inject@moz-extension://1234/content.js:1:1',
      '',
    ].join('\n')
    expect(parseStack(stack)).toMatchObject([
      { function: 'draw', file: 'https://app.example/main.js', line: 10, column: 5, inApp: true },
      { function: '?', line: 20, column: 1 },
      { function: 'render/<', line: 30 },
      { function: 'load', line: 40 },
      { function: 'evaluated', file: 'https://app.example/main.js', line: 55 },
      { function: 'make', file: 'https://app.example/main.js', line: 60 },
      {
        function: '$crash',
        file: 'https://app.example/core.wasm',
        module: 'core.wasm',
        functionIndex: 7,
        offset: '0x2d',
        inApp: true,
      },
      { function: 'run', file: 'https://app.example/main.js', functionIndex: 8, offset: '0x31' },
      { function: 'inject', inApp: false },
    ])
  })
})

describe('parseStack — Safari (JavaScriptCore) shapes', () => {
  it('reads global code, native code, eval code and wasm frames', () => {
    const stack = [
      'draw@https://app.example/main.js:10:5',
      'forEach@[native code]',
      'eval code@',
      'eval@[native code]',
      '<?>.wasm-function[12]@[wasm code]',
      'wasm-stub@[wasm code]',
      'global code@https://app.example/main.js:1:1',
      'module code@https://app.example/app.js:3:9',
      'https://app.example/main.js:5:6',
      'inject@safari-web-extension://ABC/content.js:1:1',
    ].join('\n')
    expect(parseStack(stack)).toMatchObject([
      { function: 'draw', line: 10, column: 5, inApp: true },
      { function: 'forEach', file: '[native code]', inApp: false },
      { function: 'eval code', file: '' },
      { function: 'eval', file: '[native code]' },
      { function: '<?>.wasm-function[12]', file: '[wasm code]', functionIndex: 12 },
      { function: 'wasm-stub', file: '[wasm code]' },
      { function: 'global code', line: 1 },
      { function: 'module code', file: 'https://app.example/app.js', line: 3, column: 9 },
      { function: '?', file: 'https://app.example/main.js', line: 5, column: 6 },
      { function: 'inject', inApp: false },
    ])
  })
})

describe('parseStack — the corpus of real traces (parseStack.fixtures.ts)', () => {
  it.each(STACK_CASES.map((c) => [`${c.engine} (${c.source})`, c] as const))(
    'reads %s: function, file, line, column and wasm place of every frame',
    (_, c) => {
      expect(parseStack(c.stack).map(seen)).toEqual(c.frames.map(wanted))
    },
  )

  it('keeps the URL of extension frames, so their errors are told apart as extension noise', () => {
    const extensionFrames = STACK_CASES.filter((c) => c.engine.includes('extension')).flatMap((c) =>
      parseStack(c.stack, ['app.example']),
    )
    expect(extensionFrames.filter((frame) => frame.file !== '[native code]').map((frame) => frame.file)).toEqual(
      Array.from({ length: 8 }, () => expect.stringMatching(/^safari(-web)?-extension:\/\/[^/]+\/.+\.js$/)),
    )
    expect(extensionFrames.every((frame) => !frame.inApp)).toBe(true)
  })
})

describe('parseStack — robustness', () => {
  it('returns no frames for a message without a stack, and never throws on any input', () => {
    expect(parseStack('')).toEqual([])
    expect(parseStack('Error: just a message')).toEqual([])
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expect(Array.isArray(parseStack(text))).toBe(true)
      }),
    )
  })

  it('reads hostile stacks in linear time: a 1 MB line, 100,000 lines, and lines built to make regexes backtrack', () => {
    // No clock here: a parse that backtracks super-linearly on any of these would run past the test time-out.
    const near = 4000 // just under the longest line that is still read
    const builders = [
      (n: number) => '('.repeat(n),
      (n: number) => 'at ' + '('.repeat(n) + ')',
      (n: number) => 'at f (' + ')('.repeat(n / 2),
      (n: number) => '['.repeat(n) + '@',
      (n: number) => '[a'.repeat(n / 2),
      (n: number) => 'a]'.repeat(n / 2),
      (n: number) => '@'.repeat(n),
      (n: number) => ':1'.repeat(n / 2) + 'x',
      (n: number) => ':' + '1'.repeat(n) + 'x',
      (n: number) => 'wasm-function[1]:0x1'.repeat(n / 20) + 'z',
      (n: number) => 'x line 1'.repeat(n / 8) + ' > eval',
      (n: number) => 'eval at ' + '(a'.repeat(n / 2),
      (n: number) => 'f@' + ' '.repeat(n) + 'x',
    ]
    // Each built line wrapped so that every path reads it: skipped, a V8 frame, a V8 frame in parentheses, a
    // `name@place` frame, a place with a line; 60 of them, so the 50 frames kept are all hostile.
    const wrappers = [
      (line: string) => line,
      (line: string) => 'at ' + line,
      (line: string) => `at f (${line})`,
      (line: string) => 'f@' + line,
      (line: string) => line + ':1',
      (line: string) => `at ${line}:1:2`,
    ]
    for (const build of builders)
      for (const wrap of wrappers) {
        const frames = parseStack(Array.from({ length: 60 }, () => wrap(build(near))).join('\n'))
        expect(frames.length).toBeLessThanOrEqual(50)
      }
    // A 1 MB line and 100,000 short lines, with and without V8's `at`.
    for (const v8 of [false, true]) {
      const lines = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? '(((((' : '[[[@b'))
      const frames = parseStack(
        [
          'x'.repeat(1_000_000),
          ...lines,
          v8 ? 'at f (https://a.example/a.js:1:2)' : 'f@https://a.example/a.js:1:2',
        ].join('\n'),
      )
      expect(frames.at(-1)).toMatchObject({ function: 'f', file: 'https://a.example/a.js', line: 1, column: 2 })
    }
  })

  it('keeps at most 50 frames, the newest', () => {
    const stack =
      'Error\n' + Array.from({ length: 80 }, (_, i) => `    at f${i} (https://a.example/a.js:${i + 1}:1)`).join('\n')
    const frames = parseStack(stack)
    expect(frames).toHaveLength(50)
    expect(frames[0]!.function).toBe('f0')
  })
})

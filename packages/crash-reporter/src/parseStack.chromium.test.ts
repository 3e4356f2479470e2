import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, startFileServer, testPage, type FileServer, type LaunchedChromium } from '@marco/testing'
import { parseStack } from './parseStack'
import { buildNamedWasm, NAMED_FUNCTIONS, type NamedWasm } from './parseStack.wasmFixture'

declare global {
  interface Window {
    captureStacks(): Promise<Record<'streamed' | 'fromBytes' | 'oddUrl' | 'evalAsync', string>>
  }
}

/** Plain JavaScript served as it is, so Chromium's own line and column numbers can be asserted. */
const APP = `import { fromOddUrl } from '/@marco/pkg@1.2.3/(group)/[route]/lib.js'
const stackOf = async (run) => {
  try {
    await run()
  } catch (error) {
    return String(error.stack)
  }
  return 'did not throw'
}
window.captureStacks = async () => {
  const streamed = await WebAssembly.instantiateStreaming(fetch('/names.wasm'))
  // One more (empty) custom section makes other bytes, so V8 compiles a module of its own, with no URL.
  const bytes = new Uint8Array(await (await fetch('/names.wasm')).arrayBuffer())
  const fromBytes = await WebAssembly.instantiate(new Uint8Array([...bytes, 0, 2, 1, 120]))
  async function later() {
    await null
    eval('(function evaluated() { throw new Error("from eval") })()')
  }
  return {
    streamed: await stackOf(function commit() { streamed.instance.exports.run() }),
    fromBytes: await stackOf(function commitBytes() { fromBytes.instance.exports.run() }),
    oddUrl: await stackOf(() => new fromOddUrl()),
    evalAsync: await stackOf(async function outer() { await later() }),
  }
}
`
const LIB = `export class fromOddUrl {
  constructor() { throw new TypeError('odd') }
}
`

let chromium: LaunchedChromium
let server: FileServer
let wasm: NamedWasm
let stacks: Awaited<ReturnType<Window['captureStacks']>>

beforeAll(async () => {
  ;[chromium, server, wasm] = await Promise.all([launchChromium(), startFileServer(), buildNamedWasm()])
  server.file('/', testPage('/app.js'), 'text/html')
  server.file('/app.js', APP, 'text/javascript')
  server.file('/@marco/pkg@1.2.3/(group)/[route]/lib.js', LIB, 'text/javascript')
  server.file('/names.wasm', wasm.bytes)
  stacks = await captureStacks()
})
afterAll(async () => {
  await chromium?.close()
  await server?.close()
})

async function captureStacks(): Promise<typeof stacks> {
  const context = await chromium.browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(server.origin + '/')
    await page.waitForFunction(() => typeof window.captureStacks === 'function')
    return await page.evaluate(() => window.captureStacks())
  } finally {
    await context.close()
  }
}

describe('parseStack — stacks this Chromium really prints', () => {
  it('reads a wasm trap through functions named by demangled Rust and C++ symbols: symbol, URL, index and module offset', async () => {
    const wasmFrames = (file: string | RegExp, module: string | RegExp) =>
      NAMED_FUNCTIONS.map((name, index) => ({
        function: name,
        file: typeof file === 'string' ? file : expect.stringMatching(file),
        line: undefined,
        column: undefined,
        inApp: true,
        module: typeof module === 'string' ? module : expect.stringMatching(module),
        functionIndex: index,
        offset: wasm.offsets[index],
      }))
    const streamed = parseStack(stacks.streamed)
    expect(streamed.slice(0, 4)).toEqual(wasmFrames(server.origin + '/names.wasm', 'names.wasm'))
    expect(streamed[4]).toMatchObject({
      function: '?',
      file: server.origin + '/names.wasm',
      functionIndex: 4,
      offset: wasm.offsets[4],
    })
    expect(streamed[5]).toMatchObject({ function: 'commit', file: server.origin + '/app.js', line: 20, column: 75 })
    const fromBytes = parseStack(stacks.fromBytes)
    expect(fromBytes.slice(0, 4)).toEqual(wasmFrames(/^wasm:\/\/wasm\/[\da-f]+$/, /^[\da-f]+$/))
    expect(fromBytes[5]).toMatchObject({
      function: 'commitBytes',
      file: server.origin + '/app.js',
      line: 21,
      column: 82,
    })
  })

  it('reads constructors in a URL with @, parentheses and brackets, and eval inside an async function', async () => {
    expect(parseStack(stacks.oddUrl).slice(0, 2)).toMatchObject([
      {
        function: 'new fromOddUrl',
        file: server.origin + '/@marco/pkg@1.2.3/(group)/[route]/lib.js',
        line: 2,
        column: 25,
      },
      { function: '?', file: server.origin + '/app.js', line: 22, column: 33 },
    ])
    expect(parseStack(stacks.evalAsync).slice(0, 4)).toMatchObject([
      { function: 'evaluated', file: server.origin + '/app.js', line: 17, column: 5 },
      { function: 'eval', file: server.origin + '/app.js', line: 17, column: 5 },
      { function: 'later', file: server.origin + '/app.js', line: 17, column: 5 },
      { function: 'outer', file: server.origin + '/app.js', line: 23, column: 55 },
    ])
  })
})

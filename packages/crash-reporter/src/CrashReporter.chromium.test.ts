import { fileURLToPath } from 'node:url'
import wabt from 'wabt'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  testPage,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import type { CrashReporter } from './CrashReporter'
import { parseStack } from './parseStack'

declare global {
  interface Window {
    crashTest: {
      reporter: CrashReporter
      uncaught(): void
      rejectLater(): void
      wasmTrap(): Promise<void>
      cspViolation(): void
      workerCrash(): void
      brokenScript(): void
      throwTimes(times: number): void
      collectStacks(): Promise<Record<string, string>>
    }
  }
}

interface Received {
  type: string
  category: string
  payload: Record<string, any>
}

let chromium: LaunchedChromium
let script: string
let wasm: Uint8Array
let collector: TestCollector

beforeAll(async () => {
  const wat = `(module (func $crash_core unreachable) (func (export "run") call $crash_core))`
  wasm = new Uint8Array((await wabt()).parseWat('trap.wat', wat).toBinary({ write_debug_names: true }).buffer)
  ;[chromium, script] = await Promise.all([
    launchChromium(),
    bundleForBrowser(fileURLToPath(new URL('./CrashReporter.chromium.page.ts', import.meta.url))),
  ])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  collector.routes.set('/', (req, res) => {
    // The CSP page forbids images from anywhere but its own origin.
    const csp = req.url?.includes('csp')
      ? { 'content-security-policy': "default-src 'self'; img-src 'self'" }
      : undefined
    res.writeHead(200, { 'content-type': 'text/html', ...csp }).end(testPage('/app.js'))
  })
  collector.routes.set('/app.js', (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script))
  collector.routes.set('/worker.js', (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/javascript' })
      .end("onmessage = function onJob() { throw new RangeError('worker job failed') }"),
  )
  collector.routes.set('/trap.wasm', (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/wasm' }).end(wasm),
  )
})
afterEach(() => collector.close())

async function run(
  action: 'uncaught' | 'rejectLater' | 'wasmTrap' | 'cspViolation' | 'workerCrash' | 'brokenScript',
  path = '/',
): Promise<Received[]> {
  const context = await chromium.browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(collector.origin + path)
    await page.waitForFunction(() => !!window.crashTest)
    await page.evaluate((name) => window.crashTest[name](), action)
    await vi.waitFor(() => expect(collector.storedIds.length).toBeGreaterThan(0), { timeout: 10_000, interval: 100 })
    return collector.requests.flatMap((request) => (request.body as { events: Received[] }).events)
  } finally {
    await context.close()
  }
}

describe('CrashReporter in Chromium', () => {
  it('delivers an uncaught error as an exception with its parsed, in-app stack', async () => {
    const [event, ...rest] = await run('uncaught')
    expect(rest).toEqual([])
    expect(event).toMatchObject({
      type: 'exception',
      category: 'crash',
      payload: { handled: false, mechanism: 'onerror', count: 1 },
    })
    const [error] = event!.payload.exceptions
    expect(error).toMatchObject({ type: 'Error', message: 'uncaught in a timer' })
    // The collector's host is an IP address, which the scrubber treats as personal data: `http://[Filtered]:port`.
    expect(error.frames[0]).toMatchObject({
      function: 'drawStroke',
      file: expect.stringMatching(/^http:\/\/\[Filtered\]:\d+\/app\.js$/),
      inApp: true,
    })
    expect(error.frames[0].line).toBeGreaterThan(0)
  })

  it('delivers an unhandled rejection', async () => {
    const [event] = await run('rejectLater')
    expect(event).toMatchObject({ type: 'exception', payload: { handled: false, mechanism: 'onunhandledrejection' } })
    const [error] = event!.payload.exceptions
    expect(error).toMatchObject({ type: 'TypeError', message: 'rejected save' })
    expect(error.frames[0]).toMatchObject({ function: 'saveDocument', inApp: true })
  })

  it('delivers a trap inside a real .wasm module as a wasm crash with wasm frames', async () => {
    const [event] = await run('wasmTrap')
    expect(event).toMatchObject({ type: 'exception', payload: { handled: false } })
    const [error] = event!.payload.exceptions
    expect(error).toMatchObject({ type: 'RuntimeError', message: 'unreachable', wasm: 'unreachable' })
    expect(error.frames[0]).toMatchObject({
      function: 'crash_core',
      functionIndex: 0,
      offset: expect.stringMatching(/^0x[\da-f]+$/),
    })
    // Compiled from a URL, Chromium names the module by it.
    expect(error.frames[0]).toMatchObject({
      file: expect.stringMatching(/\/trap\.wasm$/),
      module: 'trap.wasm',
      inApp: true,
    })
    expect(error.frames[1]).toMatchObject({ functionIndex: 1 })
    // The breadcrumbs tell how it came to this: the wasm fetch.
    expect(event!.payload.breadcrumbs).toContainEqual(
      expect.objectContaining({
        category: 'fetch',
        data: expect.objectContaining({ url: '/trap.wasm', status: 200, method: 'GET' }),
      }),
    )
    // …and not the reporter's own deliveries.
    expect(JSON.stringify(event!.payload.breadcrumbs)).not.toContain('/v1/batch')
  })

  it('delivers a CSP violation as its own event type', async () => {
    const events = await run('cspViolation', '/?csp')
    const violation = events.find((event) => event.type === 'csp_violation')
    expect(violation).toMatchObject({
      category: 'crash',
      payload: {
        directive: 'img-src',
        blockedUri: 'http://blocked.invalid/blocked.png',
        disposition: 'enforce',
        level: 'warning',
      },
    })
  })

  it('delivers the uncaught error of a worker it observes', async () => {
    const [event] = await run('workerCrash')
    expect(event).toMatchObject({ type: 'exception', payload: { handled: false, mechanism: 'worker' } })
    expect(event!.payload.exceptions[0]).toMatchObject({ type: 'RangeError', message: 'worker job failed' })
    expect(event!.payload.exceptions[0].frames[0]).toMatchObject({
      file: expect.stringMatching(/\/worker\.js$/),
      line: 1,
    })
  })

  it('delivers a script that failed to load as a resource error', async () => {
    const [event] = await run('brokenScript')
    expect(event).toMatchObject({ type: 'exception', payload: { handled: false, mechanism: 'resource' } })
    expect(event!.payload.exceptions[0]).toMatchObject({
      type: 'ResourceError',
      message: expect.stringMatching(/^Failed to load script .*\/missing\.js$/),
    })
  })

  it('counts every one of 10,000 throws of the same error when the page closes right after, in a handful of requests', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.crashTest)
      await page.evaluate(() => window.crashTest.throwTimes(10_000))
      // Closed as a user closes a tab: what was counted must leave with the page.
      await page.close({ runBeforeUnload: true })
      const events = () => collector.requests.flatMap((request) => (request.body as { events: Received[] }).events)
      // What the collector adds up per fingerprint: each exception's `count`, plus each crash_count record's.
      const totals = () => {
        const sums = new Map<string, number>()
        for (const { type, payload } of events())
          if (type === 'exception' || type === 'crash_count')
            sums.set(payload.fingerprint, (sums.get(payload.fingerprint) ?? 0) + payload.count)
        return [...sums.values()]
      }
      await vi.waitFor(() => expect(totals()).toEqual([10_000]), { timeout: 10_000, interval: 100 })
      expect(collector.requests.length).toBeLessThanOrEqual(5)
      expect(collector.requests.every((request) => request.status === 200)).toBe(true)
      const [first] = events()
      expect(first).toMatchObject({ type: 'exception', payload: { handled: false, mechanism: 'onerror', count: 1 } })
      expect(first!.payload.exceptions[0]).toMatchObject({ type: 'TypeError', message: 'stroke out of bounds' })
      // The sends the rate limiter allowed while the loop ran each stand for the throws before them; the rest left
      // as one compact record when the page closed.
      const records = events().filter((event) => event.type === 'crash_count')
      expect(records).toMatchObject([
        { category: 'crash', payload: { fingerprint: first!.payload.fingerprint, count: expect.any(Number) } },
      ])
      console.info(
        `[marco] 10,000 throws then close: ${collector.requests.length} requests; counts ${events()
          .map((event) => `${event.type} ${event.payload.count}`)
          .join(', ')}`,
      )
    } finally {
      await context.close()
    }
  })

  it('parses real Chromium stacks: named, native, eval, constructor, async, blob: and wasm frames', async () => {
    const context = await chromium.browser.newContext()
    let stacks: Record<string, string>
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.crashTest)
      stacks = await page.evaluate(() => window.crashTest.collectStacks())
    } finally {
      await context.close()
    }
    const app = expect.stringMatching(/\/app\.js$/)
    const parse = (name: string) => parseStack(stacks[name]!, [collector.origin, 'blob:', 'wasm'])
    expect(parse('named')[0]).toMatchObject({ function: 'namedFrame', file: collector.origin + '/app.js', inApp: true })
    expect(parse('native')[1]).toMatchObject({ function: 'Array.map', file: '<anonymous>', inApp: false })
    expect(parse('eval')[0]).toMatchObject({ function: 'evaluated', file: app, inApp: true })
    expect(parse('constructor')[0]).toMatchObject({ function: 'new Shape', file: app })
    expect(
      parse('async')
        .map((frame) => frame.function)
        .slice(0, 2),
    ).toEqual(['innerAsync', 'outerAsync'])
    expect(parse('blob')[0]).toMatchObject({
      function: 'Module.fromBlob',
      file: expect.stringMatching(/^blob:http:\/\/127\.0\.0\.1:\d+\/[\da-f-]+$/),
      line: 1,
      inApp: true,
    })
    expect(parse('wasm').slice(0, 2)).toMatchObject([
      {
        function: 'crash_core',
        file: expect.stringMatching(/\/trap\.wasm$/),
        module: 'trap.wasm',
        functionIndex: 0,
        offset: expect.stringMatching(/^0x/),
      },
      { functionIndex: 1 },
    ])
    for (const stack of Object.values(stacks)) expect(parseStack(stack).length).toBeGreaterThan(0)
  })
})

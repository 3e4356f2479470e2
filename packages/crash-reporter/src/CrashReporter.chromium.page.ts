// The page the Chromium tests load: a CrashReporter used alone, posting to the page's own origin.
import { toCspViolation } from '@marco/core'
import { CrashReporter } from '@marco/crash-reporter'

const reporter = new CrashReporter({
  endpoint: '/v1/batch',
  consent: { defaults: { crash: 'granted' } },
  queueOptions: { storage: false, flushIntervalMs: 100 },
  inAppUrls: [location.origin],
})
reporter.start()
// Used alone, the page gives it its CSP violations (inside the runtime, CspReporting is the one listener).
addEventListener('securitypolicyviolation', (event) => reporter.reportCspViolation(toCspViolation(event)))

function uncaught(): void {
  setTimeout(function drawStroke() {
    throw new Error('uncaught in a timer')
  })
}

function rejectLater(): void {
  void (async function saveDocument() {
    await null
    throw new TypeError('rejected save')
  })()
}

async function wasmTrap(): Promise<void> {
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/trap.wasm'))
  setTimeout(() => (instance.exports.run as () => void)())
}

function cspViolation(): void {
  const image = new Image()
  image.src = 'http://blocked.invalid/blocked.png'
  document.body.append(image)
}

function workerCrash(): void {
  const worker = new Worker('/worker.js')
  reporter.observeWorker(worker)
  worker.postMessage('go')
}

function brokenScript(): void {
  const tag = document.createElement('script')
  tag.src = '/missing.js'
  document.head.append(tag)
}

/**
 * The same uncaught error `times` times in one task, as a broken handler of an event fired in a loop would: each
 * throw reaches the page's `error` event (dispatchEvent reports a listener's exception and goes on).
 */
function throwTimes(times: number): void {
  const strokes = new EventTarget()
  strokes.addEventListener('stroke', function applyStroke() {
    throw new TypeError('stroke out of bounds')
  })
  for (let i = 0; i < times; i++) strokes.dispatchEvent(new Event('stroke'))
}

/** Real Chromium stack strings of every shape the parser must read, for the parser tests. */
async function collectStacks(): Promise<Record<string, string>> {
  const stackOf = (run: () => unknown): string => {
    try {
      run()
    } catch (error) {
      return (error as Error).stack ?? ''
    }
    return ''
  }
  async function innerAsync(): Promise<never> {
    await null
    throw new Error('async')
  }
  async function outerAsync(): Promise<void> {
    await innerAsync()
  }
  class Shape {
    constructor() {
      throw new Error('constructor')
    }
  }
  const blobUrl = URL.createObjectURL(
    new Blob(['export function fromBlob() { throw new Error("blob") }'], { type: 'text/javascript' }),
  )
  const blobModule = (await import(/* @vite-ignore */ blobUrl)) as { fromBlob(): void }
  const { instance } = await WebAssembly.instantiateStreaming(fetch('/trap.wasm'))
  return {
    named: stackOf(function namedFrame() {
      throw new Error('named')
    }),
    native: stackOf(() =>
      [1].map(() => {
        throw new Error('anonymous in native')
      }),
    ),
    eval: stackOf(() => (0, eval)('(function evaluated() { throw new Error("eval") })()')),
    constructor: stackOf(() => new Shape()),
    async: await outerAsync().then(
      () => '',
      (error: Error) => error.stack ?? '',
    ),
    blob: stackOf(() => blobModule.fromBlob()),
    wasm: stackOf(() => (instance.exports.run as () => void)()),
  }
}

Object.assign(window, {
  crashTest: {
    reporter,
    uncaught,
    rejectLater,
    wasmTrap,
    cspViolation,
    workerCrash,
    brokenScript,
    throwTimes,
    collectStacks,
  },
})

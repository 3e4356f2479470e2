// The page the Chromium CSP test loads as its one nonce'd module: it starts violation reporting, then does
// what the Marco app does under the strict policy (a module worker from 'self', a wasm compile), then tells
// the server to send the rest of the HTML, which carries a deliberately injected inline script and handler.
import { createTrustedTypesPolicy, startCspReporting, type CspViolation } from '@marco/security'

declare global {
  interface Window {
    marcoSecurity: { violations: CspViolation[]; result?: Record<string, unknown>; error?: string }
    injectedInline?: boolean
    injectedHandler?: boolean
  }
}

const state: Window['marcoSecurity'] = { violations: [] }
window.marcoSecurity = state
startCspReporting((violation) => state.violations.push(violation))

async function run(): Promise<Record<string, unknown>> {
  const policy = createTrustedTypesPolicy()
  const worker = new Worker(policy.createScriptURL('/worker.js'), { type: 'module' })
  const fromWorker = await new Promise<unknown>((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data)
    worker.onerror = () => reject(new Error('worker failed to load'))
    worker.postMessage('ping')
  })
  worker.terminate()
  const module = await WebAssembly.compile(await (await fetch('/add.wasm')).arrayBuffer())
  const instance = await WebAssembly.instantiate(module)
  const sum = (instance.exports.add as (a: number, b: number) => number)(40, 2)
  let evalBlocked = false
  try {
    ;(0, eval)('1 + 1')
  } catch (error) {
    evalBlocked = error instanceof EvalError || error instanceof TypeError
  }
  let blobWorkerRefused = false
  try {
    // Trusted Types refuse a plain string, and the marco policy refuses blob: URLs.
    new Worker(policy.createScriptURL(URL.createObjectURL(new Blob(['postMessage(1)'], { type: 'text/javascript' }))))
  } catch {
    blobWorkerRefused = true
  }
  return { fromWorker, sum, evalBlocked, blobWorkerRefused, crossOriginIsolated: window.crossOriginIsolated }
}

run().then(
  (result) => {
    state.result = result
    // Only now does the server send the rest of the page, with the injected script.
    void fetch('/ready')
  },
  (error: unknown) => {
    state.error = String(error)
    void fetch('/ready')
  },
)

import { WasmNetworkError } from './WasmLoadError'
import type { WasmScope } from './types'

const RETRY_BASE_MS = 250
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_RETRIES = 2

/**
 * Fetches a module with a time-out per attempt (covering the body too, until `done()`) and retries with
 * doubling delays after a network error, a time-out, 408, 429 or 5xx. Resolves with the first other response
 * (or the last one), OK or not, and `done()`, which ends the time-out and lets go of the connection; rejects
 * with `WasmNetworkError` (status 0) when the last attempt got no response, or with the signal's reason when
 * aborted.
 *
 * @example
 * const [response, done] = await fetchWasm(globalScope, '/core.wasm', signal, 30_000, 2)
 */
export async function fetchWasm(
  scope: WasmScope,
  url: string,
  signal: AbortSignal | undefined,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  retries = DEFAULT_RETRIES,
): Promise<[response: Response, done: () => void]> {
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    const controller = new AbortController()
    const abort = () => controller.abort(signal!.reason)
    // The reason a body cut short by the time-out also rejects with.
    const timer = setTimeout(() => controller.abort(new WasmNetworkError(0, 'timed out', url)), timeoutMs)
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      // A body nobody will read (a retried status, a failed load) stops downloading; a read one is unaffected.
      controller.abort()
    }
    signal?.addEventListener('abort', abort)
    let failure: unknown
    try {
      const response = await scope.fetch!(url, { signal: controller.signal })
      const { status } = response
      if (attempt >= retries || !(status === 408 || status === 429 || status >= 500)) return [response, done]
    } catch (error) {
      failure = controller.signal.reason ?? new WasmNetworkError(0, 'network error', url, error)
    }
    done()
    signal?.throwIfAborted()
    // Only a failure without a response gets here on the last attempt: a last response is returned above.
    if (attempt >= retries) throw failure
    await new Promise((resolve) => {
      setTimeout(resolve, RETRY_BASE_MS * 2 ** attempt)
      signal?.addEventListener('abort', resolve)
    })
  }
}

import type { LoadState } from './loadState'
import { toNetworkError } from './toNetworkError'
import { WasmNetworkError } from './WasmLoadError'

const RETRY_BASE_MS = 250
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_RETRIES = 2
const MAX_RETRIES = 10
/** The longest delay `setTimeout` takes: past it (Infinity included) it fires at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/**
 * Fetches the load's URL and hands each response to `use` (which reads its body), with a time-out per attempt
 * covering `use` too, and retries with doubling delays after a network error (no response, or a body cut
 * short), a time-out, 408, 429 or 5xx. Resolves once `use` has; rejects with what `use` threw when it was not a
 * network error, with `WasmNetworkError` (status 0) when the last attempt failed so, or with the signal's reason
 * when aborted. Bad `retries` or `timeoutMs` are clamped, and reported to the monitor.
 *
 * @example
 * await fetchWasm(state, (response) => compileResponse(state, response))
 */
export async function fetchWasm(state: LoadState, use: (response: Response) => Promise<void>): Promise<void> {
  const url = state._url!
  const { signal, timeoutMs = DEFAULT_TIMEOUT_MS, retries: asked = DEFAULT_RETRIES } = state._options
  // NaN retries would retry a 5xx forever; setTimeout fires at once for NaN or past MAX_TIMEOUT_MS (Infinity), so
  // such a time-out means none.
  const retries = Number.isNaN(asked) ? DEFAULT_RETRIES : Math.min(Math.max(Math.floor(asked), 0), MAX_RETRIES)
  const timed = timeoutMs <= MAX_TIMEOUT_MS
  if (retries !== asked || !timed)
    state._env._monitor.report(
      new RangeError(
        `WasmLoader: retries ${asked} is ${retries}, timeoutMs ${timeoutMs} is ${timed ? timeoutMs : 'none'}`,
      ),
    )
  for (let attempt = 0; ; attempt++) {
    const controller = new AbortController()
    const abort = () => controller.abort(signal!.reason)
    signal?.addEventListener('abort', abort)
    // The back-off before a retry, then the attempt's time-out: cleared below however the attempt ends.
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      if (attempt)
        await new Promise((resolve) => {
          timer = setTimeout(resolve, RETRY_BASE_MS * 2 ** (attempt - 1))
          controller.signal.addEventListener('abort', resolve)
        })
      signal?.throwIfAborted()
      // The reason a body cut short by the time-out also rejects with.
      if (timed) timer = setTimeout(() => controller.abort(new WasmNetworkError(0, 'timed out', url)), timeoutMs)
      const response = await state._env._scope.fetch!(url, { signal: controller.signal }).catch((error) => {
        throw toNetworkError(controller.signal.reason ?? error, url)
      })
      const { status } = response
      if (attempt >= retries || !(status === 408 || status === 429 || status >= 500)) return await use(response)
    } catch (error) {
      signal?.throwIfAborted()
      // Only a failure without a status (no response, a body cut short) is retried: a status, integrity or compile
      // failure is final.
      if (attempt >= retries || !(error instanceof WasmNetworkError) || error.status) throw error
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', abort)
      // A body nobody will read (a retried status, a failed attempt) stops downloading; a read one is unaffected.
      controller.abort()
    }
  }
}

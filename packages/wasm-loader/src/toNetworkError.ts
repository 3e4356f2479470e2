import { WasmNetworkError } from './WasmLoadError'

/**
 * What a request or a body that failed without a status rejects with: a `WasmNetworkError` as it is (the
 * time-out's), anything else (a dropped connection, an abort) wrapped in one with status 0.
 *
 * @example
 * const response = await fetch(url).catch((error) => { throw toNetworkError(error, url) })
 */
export function toNetworkError(error: unknown, url: string | undefined): WasmNetworkError {
  return error instanceof WasmNetworkError ? error : new WasmNetworkError(0, 'network error', url, error)
}

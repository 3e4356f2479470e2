import type { Monitor } from '@marco/core'
import type { WasmProgress } from './types'

/**
 * The same response with a body that reports `{ loaded, total }` as it is read (by `compileStreaming` or
 * `arrayBuffer()`); the response itself when there is no listener or no body.
 *
 * @example
 * await WebAssembly.compileStreaming(withProgress(response, monitor, onProgress))
 */
export function withProgress(
  response: Response,
  monitor: Monitor,
  onProgress?: (progress: WasmProgress) => void,
): Response {
  if (!onProgress || !response.body) return response
  // content-length counts the bytes on the wire: with content-encoding, not those the reader receives.
  const total = (!response.headers.get('content-encoding') && +response.headers.get('content-length')!) || undefined
  let loaded = 0
  const counted = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      monitor.call(onProgress, { loaded: (loaded += chunk.byteLength), total })
      controller.enqueue(chunk)
    },
  })
  return new Response(response.body.pipeThrough(counted), response)
}

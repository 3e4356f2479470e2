import type { Endpoint } from './types'

/**
 * Listens to an endpoint's messages whatever its style (DOM `addEventListener`, Node `on`), starting a
 * `MessagePort`; the handler receives `{ data, origin }`. Returns the removal.
 *
 * @example
 * const stop = onMessage(worker, ({ data }) => console.log(data))
 */
export function onMessage(
  endpoint: Endpoint,
  handler: (event: { data: unknown; origin?: string }) => void,
): () => void {
  if (endpoint.addEventListener) {
    endpoint.addEventListener('message', handler)
    endpoint.start?.()
    return () => endpoint.removeEventListener?.('message', handler)
  }
  const listener = (data: unknown): void => handler({ data })
  endpoint.on?.('message', listener as (value: never) => void)
  return () => void endpoint.off?.('message', listener as (value: never) => void)
}

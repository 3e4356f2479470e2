/** A `CacheStorage` in memory, with what it holds and the writes it received. */
export type MemoryCaches = CacheStorage & {
  /** Stored bodies by request URL, across every cache name. */
  readonly stored: Map<string, Uint8Array>
  /** `put()` calls so far. */
  puts: number
  /** When `true`, `open()` rejects as a browser that blocks storage does. */
  broken: boolean
}

/**
 * A Cache API stand-in for Node, which has none: `open()`, `match()`, `put()` and `delete()` over one map,
 * keyed by the request's URL as given (not normalized). Set `broken` to make `open()` reject.
 *
 * @example
 * const caches = createMemoryCaches()
 * const loader = new WasmLoader({ scope: { ...scope, caches } })
 * expect(caches.puts).toBe(1)
 */
export function createMemoryCaches(): MemoryCaches {
  const stored = new Map<string, Uint8Array>()
  const meta = new Map<string, Headers>()
  const urlOf = (key: RequestInfo | URL) => (key instanceof Request ? key.url : String(key))
  const cache = {
    async match(key: RequestInfo | URL) {
      const bytes = stored.get(urlOf(key))
      return bytes ? new Response(new Uint8Array(bytes), { headers: meta.get(urlOf(key)) }) : undefined
    },
    async put(key: RequestInfo | URL, response: Response) {
      caches.puts++
      stored.set(urlOf(key), new Uint8Array(await response.arrayBuffer()))
      meta.set(urlOf(key), response.headers)
    },
    async delete(key: RequestInfo | URL) {
      return stored.delete(urlOf(key))
    },
  }
  const caches = {
    stored,
    puts: 0,
    broken: false,
    async open() {
      if (caches.broken) throw new DOMException('blocked', 'SecurityError')
      return cache
    },
  }
  return caches as unknown as MemoryCaches
}

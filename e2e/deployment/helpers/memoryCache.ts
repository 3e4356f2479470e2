/**
 * A Cache API stand-in for the edge worker's tests: one map keyed by URL, as `caches.default` keys GET requests;
 * `entries` shows what is stored.
 */
export function memoryCache() {
  const entries = new Map<string, { body: ArrayBuffer; status: number; headers: Headers }>()
  return {
    entries,
    async match(request: Request) {
      const entry = entries.get(request.url)
      return entry ? new Response(entry.body.slice(0), { status: entry.status, headers: entry.headers }) : undefined
    },
    async put(request: Request, response: Response) {
      entries.set(request.url, {
        body: await response.arrayBuffer(),
        status: response.status,
        headers: new Headers(response.headers),
      })
    },
  }
}

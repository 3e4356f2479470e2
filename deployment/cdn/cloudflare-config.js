// Marco's Cloudflare Worker (module syntax), in front of the nginx origin (deployment/nginx/nginx.conf).
//
//   /v1/…             the collector's ingest: passed to the origin untouched (method, headers, streamed body),
//                     never cached, response as the origin sent it (its 429 + Retry-After included).
//   /signal           the signalling WebSocket: passed through (Workers proxy the upgrade).
//   /assets/…, *.wasm content-hashed files: cached at the edge for a year (immutable) with the Cache API,
//                     so a hit never reaches the origin.
//   everything else   fetched from the origin every time, never cached at the edge (HTML carries a
//                     per-response CSP nonce; sw.js and the manifest must update as soon as they change).
//
// Every response except the ingest and signalling ones gets the @marco/security header set (the same
// source nginx's security-headers.conf is generated from), with `server` and `x-powered-by` removed.
// HTML: when the origin already chose a nonce (nginx puts $request_id into its CSP header and the page),
// the worker keeps it so header and page agree; otherwise it makes one per request (createNonce) and
// replaces __CSP_NONCE__ in the streamed body. The replacement is a plain TransformStream that handles a
// placeholder split across chunks: it behaves the same on workerd and in Node, where the tests run it with
// real Request/Response objects and a stub origin (e2e/deployment/cloudflare-worker.test.ts). HTMLRewriter
// would work as well on Cloudflare but does not exist in Node.
//
// Deploy: bundle with wrangler (it resolves `@marco/security` from the workspace), e.g. wrangler.toml:
//   name = "marco-edge"  main = "deployment/cdn/cloudflare-config.js"  compatibility_date = "2025-01-01"
//   routes = [{ pattern = "marco.example.com/*", zone_name = "example.com" }]
//   [vars] REPORT_URI = "https://marco.example.com/v1/csp-report"  SIGNALLING = "wss://marco.example.com"
//
// Cache purge: hashed assets never need purging (a new build has new names; old ones simply expire). HTML,
// sw.js and the manifest are never stored at the edge, so a deploy is live at once. To drop edge copies
// anyway (a bad asset published under a hash that is still referenced): Cloudflare dashboard → Caching →
// Purge by URL, or `curl -X POST https://api.cloudflare.com/client/v4/zones/$ZONE/purge_cache -H
// "Authorization: Bearer $TOKEN" --json '{"files":["https://marco.example.com/assets/main-XXXX.js"]}'`;
// purge by URL also removes Cache API entries. "Purge everything" is never needed for a normal deploy.
import { createNonce, CSP_NONCE_PLACEHOLDER, securityHeaders, toCloudflareHeaderMap } from '@marco/security'

/** Edge and browser lifetime of a content-hashed file: one year, never revalidated. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** Whether a path names a content-hashed file (safe to keep forever). */
export function isImmutableAsset(pathname) {
  return pathname.startsWith('/assets/') || pathname.endsWith('.wasm')
}

/** Whether a path goes to the origin untouched (ingest and signalling). */
export function isPassThrough(pathname) {
  return pathname.startsWith('/v1/') || pathname === '/signal' || pathname.startsWith('/signal/')
}

/**
 * The security header set for one response, lower-case (as Headers stores names), with `null` for
 * headers to delete. The options mirror deployment/nginx/generate-security-headers.mjs, with the host the
 * request came to where nginx uses `$host`.
 */
export function edgeSecurityHeaders(nonce, url, env = {}) {
  return toCloudflareHeaderMap(
    securityHeaders({
      nonce,
      reportUri: env.REPORT_URI ?? `https://${url.hostname}/v1/csp-report`,
      signalling: [env.SIGNALLING ?? `wss://${url.hostname}`],
    }),
  )
}

/** Replaces every `search` in a text stream, including one split across chunks. */
export function replaceInStream(search, replacement) {
  const decoder = new TextDecoder()
  const encoder = new TextEncoder()
  let carry = ''
  return new TransformStream({
    transform(chunk, controller) {
      const text = carry + decoder.decode(chunk, { stream: true })
      const replaced = text.split(search).join(replacement)
      // Hold back a tail that could be the start of the next occurrence.
      const keep = Math.min(search.length - 1, replaced.length)
      let cut = replaced.length - keep
      while (cut < replaced.length && !search.startsWith(replaced.slice(cut))) cut++
      carry = replaced.slice(cut)
      if (cut > 0) controller.enqueue(encoder.encode(replaced.slice(0, cut)))
    },
    flush(controller) {
      const rest = carry + decoder.decode()
      if (rest) controller.enqueue(encoder.encode(rest.split(search).join(replacement)))
    },
  })
}

function withHeaders(response, map, extra = {}) {
  const headers = new Headers(response.headers)
  for (const [name, value] of Object.entries(map)) {
    if (value === null) headers.delete(name)
    else headers.set(name, value)
  }
  for (const [name, value] of Object.entries(extra)) headers.set(name, value)
  return headers
}

/**
 * Builds the worker. `fetchOrigin` and `cache` are the platform's by default (`fetch`, `caches.default`);
 * tests pass a stub origin and an in-memory cache.
 *
 * @example
 * export default createEdgeWorker()
 */
export function createEdgeWorker({
  fetchOrigin = (request) => fetch(request),
  cache = () => globalThis.caches.default,
  nonce = createNonce,
} = {}) {
  return {
    /**
     * @param {Request} request
     * @param {{ REPORT_URI?: string, SIGNALLING?: string }} [env]
     * @param {{ waitUntil(promise: Promise<unknown>): void }} [ctx]
     * @returns {Promise<Response>}
     */
    async fetch(request, env = {}, ctx = { waitUntil() {} }) {
      const url = new URL(request.url)

      // Ingest and signalling: the original request object, so the body streams through unread.
      if (isPassThrough(url.pathname)) return fetchOrigin(request)

      const cacheable = (request.method === 'GET' || request.method === 'HEAD') && isImmutableAsset(url.pathname)
      if (cacheable) {
        const edgeCache = cache()
        const hit = await edgeCache.match(request)
        if (hit)
          return new Response(request.method === 'HEAD' ? null : hit.body, {
            status: hit.status,
            headers: withHeaders(hit, edgeSecurityHeaders(nonce(), url, env), { 'x-marco-edge-cache': 'HIT' }),
          })
        const origin = await fetchOrigin(request)
        if (!isStorable(origin) || request.method === 'HEAD') return fromOrigin(origin, url, env, request.method)
        const stored = new Response(origin.body, {
          status: 200,
          headers: withHeaders(origin, {}, { 'cache-control': IMMUTABLE_CACHE_CONTROL }),
        })
        // One body for the cache, one for the client.
        const [forCache, forClient] = [stored.clone(), stored]
        ctx.waitUntil(edgeCache.put(request, forCache))
        return new Response(forClient.body, {
          status: 200,
          headers: withHeaders(forClient, edgeSecurityHeaders(nonce(), url, env), { 'x-marco-edge-cache': 'MISS' }),
        })
      }

      // Everything else: from the origin, never stored at the edge.
      return fromOrigin(await fetchOrigin(request), url, env, request.method)
    },
  }

  /**
   * An origin response as it goes out, never stored: the security headers, and an HTML page's nonce put in place of
   * the placeholder (the origin's own nonce when it set one: nginx's $request_id, already in the page).
   * @param {Response} origin
   * @param {URL} url
   * @param {{ REPORT_URI?: string, SIGNALLING?: string }} env
   * @param {string} method
   */
  function fromOrigin(origin, url, env, method) {
    const type = origin.headers.get('content-type') ?? ''
    if (!type.startsWith('text/html')) {
      return new Response(origin.body, {
        status: origin.status,
        statusText: origin.statusText,
        headers: withHeaders(origin, edgeSecurityHeaders(nonce(), url, env), { 'x-marco-edge-cache': 'BYPASS' }),
      })
    }
    const originCsp = origin.headers.get('content-security-policy') ?? ''
    const pageNonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(originCsp)?.[1] ?? nonce()
    const headers = withHeaders(origin, edgeSecurityHeaders(pageNonce, url, env), { 'x-marco-edge-cache': 'BYPASS' })
    // The body changes length; never let a cache between here and the browser keep a nonce'd page.
    headers.delete('content-length')
    headers.delete('etag')
    if (!/no-cache|no-store|private/.test(headers.get('cache-control') ?? '')) headers.set('cache-control', 'no-cache')
    const body =
      origin.body && method !== 'HEAD'
        ? origin.body.pipeThrough(replaceInStream(CSP_NONCE_PLACEHOLDER, pageNonce))
        : null
    return new Response(body, { status: origin.status, statusText: origin.statusText, headers })
  }
}

/**
 * Whether an answer for an immutable-asset URL may be stored at the edge for a year: a 200 that is not HTML (nginx
 * answers an unknown path with the app shell) and that its origin did not mark `no-cache`, `no-store` or `private`.
 * @param {Response} origin
 */
function isStorable(origin) {
  return (
    origin.status === 200 &&
    !(origin.headers.get('content-type') ?? '').startsWith('text/html') &&
    !/no-cache|no-store|private/.test(origin.headers.get('cache-control') ?? '')
  )
}

export default createEdgeWorker()

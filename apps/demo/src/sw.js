// The demo's service worker (a classic script, no imports). build.mjs injects the precache list and the
// version; the cache name changes with them, and the old caches go on activate.
// - hashed /assets/*: cache-first (immutable), added to the cache on first use
// - navigations and the other app-shell files: network-first, falling back to the cache offline
// - /v1/* (the collector) and anything cross-origin or not GET: never touched, never cached
const VERSION = '__VERSION__'
const PRECACHE = /* __PRECACHE__ */ []
const CACHE = `marco-demo-${VERSION}`

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith('marco-demo-') && key !== CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/')) return
  if (url.pathname.startsWith('/assets/')) event.respondWith(cacheFirst(request))
  else if (request.mode === 'navigate')
    event.respondWith(
      networkFirst(request, url.pathname === '/' || url.pathname === '/index.html' ? '/' : undefined, '/'),
    )
  else if (PRECACHE.includes(url.pathname)) event.respondWith(networkFirst(request, url.pathname, url.pathname))
})

async function cacheFirst(request) {
  const cache = await caches.open(CACHE)
  const hit = await cache.match(request)
  if (hit) return hit
  const response = await fetch(request)
  if (response.ok) await cache.put(request, response.clone())
  return response
}

/** `store`: the cache key a good answer refreshes (none for other pages); `fallback`: what to serve offline. */
async function networkFirst(request, store, fallback) {
  const cache = await caches.open(CACHE)
  try {
    const response = await fetch(request)
    if (store && response.ok && response.type === 'basic') await cache.put(store, response.clone())
    return response
  } catch (error) {
    // Offline: the last good copy. The app shell's copy keeps the CSP header it came with, whose nonce
    // matches the nonce in its HTML.
    const hit = await cache.match(fallback)
    if (hit) return hit
    throw error
  }
}

import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import wabt from 'wabt'
import { ROOT, tempDir } from './nginx'

/** apps/demo's build output, when the demo has been built. */
export const DEMO_DIST = join(ROOT, 'apps/demo/dist')

/** Whether apps/demo/dist holds a build (index.html and at least one hashed script and wasm). */
export function demoDistExists(): boolean {
  if (!existsSync(join(DEMO_DIST, 'index.html')) || !existsSync(join(DEMO_DIST, 'assets'))) return false
  const assets = readdirSync(join(DEMO_DIST, 'assets'))
  return assets.some((name) => name.endsWith('.js')) && assets.some((name) => name.endsWith('.wasm'))
}

export interface FixtureDist {
  readonly dir: string
  /** Public paths, e.g. `/assets/app-1a2b3c4d.js`. */
  readonly app: string
  readonly worker: string
  readonly wasm: string
  readonly style: string
}

const WAT = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'

const hashed = (name: string, ext: string, content: string | Uint8Array) =>
  `${name}-${createHash('sha256').update(content).digest('hex').slice(0, 8)}.${ext}`

/**
 * A stand-in for apps/demo/dist with the same layout: index.html with one nonce'd module script, sw.js,
 * manifest.webmanifest, icon.svg, hashed assets/*.js, *.css and a real .wasm; every text file and the wasm
 * also as .br and .gz (index.html included, as a build tool may do: nginx must not serve those). The app
 * compiles the wasm with instantiateStreaming, starts a module worker through a Trusted Types policy,
 * registers the service worker, opens the /signal WebSocket and sends one SDK batch to /v1/batch.
 */
export async function writeFixtureDist(): Promise<FixtureDist> {
  const dir = tempDir('dist')
  mkdirSync(join(dir, 'assets'))
  const files = new Map<string, string | Uint8Array>()

  const wasmBytes = new Uint8Array((await wabt()).parseWat('add.wat', WAT).toBinary({}).buffer)
  const wasm = `/assets/${hashed('canvas-core', 'wasm', wasmBytes)}`
  files.set(wasm, wasmBytes)

  const workerSource = `self.onmessage = (event) => self.postMessage({ pong: event.data, isolated: self.crossOriginIsolated })\n`
  const worker = `/assets/${hashed('worker', 'js', workerSource)}`
  files.set(worker, workerSource)

  const styleSource = `html,body{margin:0;height:100%;background:#fafafa}canvas{display:block;width:100%;height:100%}\n`
  const style = `/assets/${hashed('app', 'css', styleSource)}`
  files.set(style, styleSource)

  const appSource = `// Fixture app: the same browser features the demo uses, each result reported on window.fixture.
const result = { wasm: null, worker: null, serviceWorker: null, signal: null, batch: null, isolated: self.crossOriginIsolated }
window.fixture = { result, done: false, error: null }
const policy = trustedTypes.createPolicy('marco', { createScriptURL: (url) => { const u = new URL(url, location.href); if (u.origin !== location.origin) throw new TypeError('cross-origin'); return u.href } })
async function run() {
  const { instance } = await WebAssembly.instantiateStreaming(fetch(${JSON.stringify(wasm)}))
  result.wasm = instance.exports.add(40, 2)
  const worker = new Worker(policy.createScriptURL(${JSON.stringify(worker)}), { type: 'module' })
  result.worker = await new Promise((resolve, reject) => { worker.onmessage = (e) => resolve(e.data); worker.onerror = (e) => reject(new Error('worker: ' + e.message)); worker.postMessage('ping') })
  const registration = await navigator.serviceWorker.register(policy.createScriptURL('/sw.js'), { scope: '/' })
  await navigator.serviceWorker.ready
  result.serviceWorker = registration.active ? registration.active.state : 'none'
  result.signal = await new Promise((resolve) => {
    const socket = new WebSocket('wss://' + location.host + '/signal')
    socket.onopen = () => socket.send('hello')
    socket.onmessage = (e) => { resolve(String(e.data)); socket.close() }
    socket.onerror = () => resolve('error')
  })
  const now = Date.now()
  const batch = { v: 1, sentAt: now, sdk: { name: 'marco-fixture', version: '0.0.0' }, dropped: [], events: [
    { id: 'fixture-' + Math.random().toString(36).slice(2, 12), type: 'page', category: 'analytics', ts: now, sessionId: 'fixture-session', payload: { path: location.pathname } },
  ] }
  const response = await fetch('/v1/batch', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(batch) })
  result.batch = { status: response.status, body: await response.json(), id: batch.events[0].id }
}
run().then(() => { window.fixture.done = true }, (error) => { window.fixture.error = String(error && error.stack || error); window.fixture.done = true })
`
  const app = `/assets/${hashed('app', 'js', appSource)}`
  files.set(app, appSource)

  files.set(
    '/sw.js',
    `// Fixture service worker: cache-first for hashed assets, network for everything else.
const CACHE = 'marco-assets-v1'
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (url.origin !== location.origin || !url.pathname.startsWith('/assets/')) return
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const hit = await cache.match(event.request)
    if (hit) return hit
    const response = await fetch(event.request)
    if (response.ok) await cache.put(event.request, response.clone())
    return response
  }))
})
`,
  )
  files.set(
    '/manifest.webmanifest',
    `${JSON.stringify({ name: 'Marco fixture', short_name: 'Marco', start_url: '/', display: 'standalone', icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml' }] }, null, 2)}\n`,
  )
  files.set(
    '/icon.svg',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#3b5bdb"/><path d="M16 48 32 16l16 32" stroke="#fff" stroke-width="6" fill="none"/></svg>\n`,
  )
  files.set(
    '/index.html',
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marco fixture</title>
<link rel="icon" href="/icon.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">
<link rel="stylesheet" href="${style}">
<script type="module" nonce="__CSP_NONCE__" src="${app}"></script>
</head>
<body>
<canvas id="canvas" aria-label="drawing surface"></canvas>
${'<!-- padding so the page is worth compressing -->\n'.repeat(20)}</body>
</html>
`,
  )

  for (const [path, content] of files) {
    const file = join(dir, path)
    writeFileSync(file, content)
    const bytes = typeof content === 'string' ? Buffer.from(content) : content
    writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }))
    writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }))
  }
  return { dir, app, worker, wasm, style }
}

// A smoke run of the built demo in real Chromium (not the e2e suite): starts the reference collector (or a
// stub that records batches when apps/collector is not built), the demo server, and headless Chromium;
// accepts consent, draws, uses gestures, presses every crash button, opens a second tab, reloads through
// the service worker, then prints what the console said and what reached the collector, and writes
// screenshot.png. Exits 1 when a check fails.
//
//   node apps/demo/build.mjs && node apps/demo/scripts/smoke.mjs
import { createServer } from 'node:http'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startDemoServer } from '../server.mjs'

const here = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(join(here, '../../package.json'))
const { chromium } = require('playwright-core')

const checks = []
const check = (name, ok, detail = '') => {
  checks.push({ name, ok: !!ok })
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`)
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---- the collector ---------------------------------------------------------------------------------------
const dbDir = mkdtempSync(join(tmpdir(), 'marco-demo-smoke-'))
let collector
let stubEvents
const collectorDist = join(here, '../collector/dist/index.mjs')
if (existsSync(collectorDist) && !process.argv.includes('--stub')) {
  const { startCollector } = await import(pathToFileURL(collectorDist).href)
  collector = await startCollector({ port: 0, dbPath: join(dbDir, 'c.db'), rateLimit: false })
  console.log(`collector: the real one, ${collector.url}`)
} else {
  stubEvents = []
  const stub = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      if (req.url === '/v1/batch') {
        try {
          for (const event of JSON.parse(body).events ?? []) stubEvents.push(event)
        } catch {}
      }
      res
        .writeHead(req.url === '/v1/batch' ? 200 : 204, { 'content-type': 'application/json' })
        .end('{"accepted":true}')
    })
  })
  await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve))
  collector = { url: `http://127.0.0.1:${stub.address().port}`, close: () => new Promise((r) => stub.close(r)) }
  console.log(`collector: a stub, ${collector.url}`)
}
const demo = await startDemoServer({ collectorUrl: collector.url })
console.log(`demo: ${demo.url}`)

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
const context = await browser.newContext({
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  hasTouch: true,
})
const consoleLines = []
const errors = []
const watch = (page, tab) => {
  page.on('console', (m) => consoleLines.push({ tab, type: m.type(), text: m.text() }))
  page.on('pageerror', (e) => errors.push({ tab, text: `${e.name}: ${e.message}` }))
}
try {
  const page = await context.newPage()
  watch(page, 1)
  const first = await page.goto(demo.url)
  const headers = first.headers()
  check(
    'served with the strict CSP and a per-response nonce',
    /'nonce-[A-Za-z0-9+/=]{24}'/.test(headers['content-security-policy']) &&
      headers['content-security-policy'].includes("require-trusted-types-for 'script'"),
  )
  await page.waitForFunction(() => window.__marco?.ready, undefined, { timeout: 20_000 })
  const ready = await page.evaluate(() => window.__marco.ready)
  check('the wasm module compiled and instantiated through WasmLoader', ready.wasm)
  check('cross-origin isolated (COOP + COEP)', await page.evaluate(() => crossOriginIsolated))
  check('the consent banner is shown before a choice', await page.isVisible('#consent-banner'))
  check('nothing was sent before the choice', (await page.evaluate(() => window.__marco.sink.stats().pushed)) === 0)
  check(
    'nothing stored before the choice',
    (await page.evaluate(() => localStorage.getItem('marco-demo-consent'))) === null,
  )
  await page.click('#consent-accept-all')
  check(
    'the choice is stored after it was made',
    (await page.evaluate(() => localStorage.getItem('marco-demo-consent'))) === 'all',
  )

  // Draw three strokes with the mouse.
  const box = await page.locator('#board').boundingBox()
  const strokes = [
    (t) => [box.x + 220 + t * 380, box.y + 260 + Math.sin(t * 9) * 70],
    (t) => [box.x + 700 + Math.cos(t * 6.28) * 110, box.y + 330 + Math.sin(t * 6.28) * 110],
    (t) => [box.x + 260 + t * 300, box.y + 470 - t * t * 150],
  ]
  const colors = ['.swatch.ink', '.swatch.blue', '.swatch.red']
  for (const [i, stroke] of strokes.entries()) {
    await page.click(colors[i])
    await page.mouse.move(...stroke(0))
    await page.mouse.down()
    for (let s = 1; s <= 40; s++) {
      await page.mouse.move(...stroke(s / 40))
      await sleep(8)
    }
    await page.mouse.up()
  }
  await page.waitForFunction(() => window.__marco.stats().strokes === 3)
  check('three strokes drawn (smoothed in wasm)', true)
  const grown = await page.evaluate(() => {
    const points = Float32Array.from({ length: 40_000 }, (_, i) => (i % 2 ? Math.sin(i / 50) * 100 : i / 2))
    const out = window.__marco.smoother().smooth(points, 20_000)
    return { out: out.length, bytes: window.__marco.smoother().pool.memory.buffer.byteLength }
  })
  check(
    'a 20,000-point stroke grows the wasm memory and is smoothed',
    grown.out === 80_000 && grown.bytes >= 640_000,
    JSON.stringify(grown),
  )
  // Tap selects; long-press opens the menu.
  await page.mouse.click(...strokes[1](0.25))
  check('a tap selects the stroke under it', await page.evaluate(() => !!window.__marco.board.selected))
  await page.mouse.move(box.x + 1000, box.y + 500)
  await page.mouse.down()
  await sleep(750)
  await page.mouse.up()
  check('a long press opens the context menu', await page.isVisible('#context-menu'))
  await page.keyboard.press('Escape')

  // Two fingers: pinch out and rotate at once (CDP touch events: real pointer events of type touch).
  const cdp = await page.context().newCDPSession(page)
  const cx = box.x + 640
  const cy = box.y + 360
  const fingers = (radius, angle) => [
    { x: cx + Math.cos(angle) * radius, y: cy + Math.sin(angle) * radius, id: 1 },
    { x: cx - Math.cos(angle) * radius, y: cy - Math.sin(angle) * radius, id: 2 },
  ]
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(80, 0) })
  for (let s = 1; s <= 12; s++) {
    await cdp.send('Input.dispatchTouchEvent', {
      type: 'touchMove',
      touchPoints: fingers(80 + s * 5, (s * Math.PI) / 120),
    })
    await sleep(16)
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  const view = await page.evaluate(() => window.__marco.board.view)
  check(
    'a two-finger pinch + rotate transforms the view',
    view.scale > 1.5 && view.rotation > 0.2,
    `scale ${view.scale.toFixed(2)}, rotation ${((view.rotation * 180) / Math.PI).toFixed(0)}°`,
  )
  // A double tap resets it.
  await page.touchscreen.tap(cx, cy)
  await sleep(60)
  await page.touchscreen.tap(cx, cy)
  await sleep(100)
  const reset = await page.evaluate(() => window.__marco.board.view)
  check('a double tap resets the view', reset.scale === 1 && reset.rotation === 0)

  await page.waitForFunction(() => window.__marco.stats().peers === 2, undefined, { timeout: 15_000 })
  await sleep(2_500) // presence heartbeats → round trips
  const beforeCrash = await page.evaluate(() => window.__marco.stats())
  check(
    'two WebRTC peers connected, latency measured',
    beforeCrash.peers === 2 && beforeCrash.latencyP95Ms !== undefined,
    `p95 ${beforeCrash.latencyP95Ms?.toFixed(2)} ms`,
  )

  // A second tab mirrors strokes over BroadcastChannel.
  const second = await context.newPage()
  watch(second, 2)
  await second.goto(demo.url)
  await second.waitForFunction(() => window.__marco?.ready)
  await second
    .waitForFunction(() => window.__marco.stats().strokes === 3, undefined, { timeout: 5_000 })
    .catch(() => {})
  check(
    'a second tab received the strokes over BroadcastChannel',
    (await second.evaluate(() => window.__marco.stats().strokes)) === 3,
  )
  check('the first tab sees the second', (await page.evaluate(() => window.__marco.stats().tabs)) === 1)
  await second.close()

  for (const id of ['#crash-throw', '#crash-reject', '#crash-wasm-trap', '#crash-csp']) {
    await page.click(id)
    await sleep(300)
  }
  check('the injected inline script did not run', (await page.evaluate(() => window.__cspProbeRan)) === undefined)
  await page.click('#report-bug')
  const report = await page.textContent('#bug-report-text')
  check(
    '"Report a bug" shows generateErrorReport() in the dialog',
    (await page.isVisible('#bug-report-dialog')) && report.length > 200,
    `${report.length} characters`,
  )
  await page.screenshot({ path: join(here, 'screenshot-report.png') })
  await page.click('#bug-report-close')

  // Send what is queued and give the worker's queue time to deliver.
  await page.evaluate(() => window.__marco.client.flush())
  await sleep(6_500)
  await page.evaluate(() => window.__marco.client.flush())
  await sleep(1_500)
  const sink = await page.evaluate(() => window.__marco.sink.stats())
  check(
    'events went through the analytics worker',
    sink.mode === 'worker' && sink.acknowledged > 0,
    JSON.stringify(sink),
  )
  await page.screenshot({ path: join(here, 'screenshot.png') })

  // Repeat load: hashed assets and the wasm come from the service worker's cache.
  await page.evaluate(() => navigator.serviceWorker.ready)
  const fromSw = []
  page.on('response', (r) => r.fromServiceWorker() && fromSw.push(new URL(r.url()).pathname))
  await page.reload()
  await page.waitForFunction(() => window.__marco?.ready)
  await page.evaluate(() => window.__marco.ready)
  check(
    'a repeat load is served by the service worker',
    fromSw.some((p) => p.endsWith('.js')) && fromSw.some((p) => p.endsWith('.css')),
    fromSw.join(' '),
  )

  // What reached the collector.
  let events
  if (stubEvents) events = stubEvents
  else events = (await (await fetch(`${collector.url}/v1/events?limit=500`)).json()).events
  const byType = {}
  for (const e of events) byType[`${e.category}/${e.type}`] = (byType[`${e.category}/${e.type}`] ?? 0) + 1
  console.log('collector received:', JSON.stringify(byType))
  const crashes = events.filter((e) => e.category === 'crash')
  const names = crashes.flatMap((e) =>
    (e.payload?.exceptions ?? []).map((x) => `${x.type}${x.wasm ? `(${x.wasm})` : ''}`),
  )
  console.log('crash exceptions:', names.join(', '))
  check('batches reached the collector', events.length > 0, `${events.length} events`)
  check(
    'the thrown error, the rejection and the wasm trap were reported',
    ['DemoCrashError', 'Error', 'RuntimeError'].every((n) => names.some((x) => x.startsWith(n))),
  )
  const violations = crashes.filter((e) => e.type === 'csp_violation')
  console.log(
    'csp_violation events:',
    JSON.stringify(
      violations.map((e) => ({
        directive: e.payload.directive,
        blockedUri: e.payload.blockedUri,
        sample: e.payload.sample,
        count: e.payload.count,
      })),
    ),
  )
  check('the CSP violation was reported', violations.length > 0)
  const summary = events.find((e) => e.type === 'perf_summary' && e.payload.collab)
  console.log('perf_summary collab:', JSON.stringify(summary?.payload.collab ?? null).slice(0, 400))
  console.log(
    'perf_summary opsPerSecond per window:',
    events
      .filter((e) => e.type === 'perf_summary')
      .map((e) => e.payload.collab?.opsPerSecond)
      .join(', '),
  )
  console.log(
    'perf_summary wasmLoads:',
    JSON.stringify(events.find((e) => e.type === 'perf_summary' && e.payload.wasmLoads)?.payload.wasmLoads ?? null),
  )
  const merged = { canvas: {}, gestures: {} }
  for (const e of events.filter((e) => e.type === 'canvas_summary')) {
    for (const [k, v] of Object.entries(e.payload.canvas ?? {}))
      merged.canvas[k] = (merged.canvas[k] ?? 0) + (v.count ?? 0)
    for (const [k, v] of Object.entries(e.payload.gestures ?? {})) merged.gestures[k] = JSON.stringify(v)
  }
  console.log('canvas_summary (merged):', JSON.stringify(merged))
  check(
    'gestures were tracked',
    ['tap', 'long-press', 'pinch', 'rotate', 'double-tap'].every((g) => g in merged.gestures),
  )
  check(
    'canvas / gesture summaries arrived',
    events.some((e) => e.category === 'analytics' && /summary/.test(e.type)),
  )
} finally {
  // Chromium logs a Trusted Types refusal as "This document requires 'TrustedScript' assignment…" and a
  // script-src refusal as "Refused to execute … Content Security Policy …".
  const csp = consoleLines.filter((l) =>
    /Content Security Policy|Trusted ?(Types?|Script|HTML)|Refused to/i.test(l.text),
  )
  console.log(
    `\nconsole: ${consoleLines.length} messages (${consoleLines.filter((l) => l.type === 'error').length} errors, ${consoleLines.filter((l) => l.type === 'warning').length} warnings)`,
  )
  for (const line of consoleLines) console.log(`  [tab ${line.tab} ${line.type}] ${line.text.slice(0, 240)}`)
  console.log(
    `page errors (uncaught, expected from the crash buttons): ${errors.map((e) => e.text).join(' | ') || 'none'}`,
  )
  // The one deliberate injection is logged twice (the insertion, then the script that will not execute).
  check(
    'only the deliberate CSP violation in the console',
    csp.length >= 1 &&
      csp.length <= 2 &&
      csp.every((l) => l.tab === 1 && /script element|HTMLScriptElement|inline script/i.test(l.text)),
    `${csp.length} CSP line(s)`,
  )
  await browser.close()
  await demo.close()
  await collector.close()
  rmSync(dbDir, { recursive: true, force: true })
}
const failed = checks.filter((c) => !c.ok)
console.log(`\n${checks.length - failed.length}/${checks.length} checks passed`)
process.exit(failed.length ? 1 : 0)

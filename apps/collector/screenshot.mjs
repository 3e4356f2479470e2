// Renders the dashboard with sample data in Debian's Chromium and saves dashboard.png (run after the build:
// `node apps/collector/screenshot.mjs`). The data: half an hour of simulated SDK traffic through the real
// HTTP API, with the collector's clock moved along so the time charts fill.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startCollector } from './dist/index.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'marco-collector-shot-'))
let now = Date.now() - 30 * 60_000
const clock = { now: () => now }
let seed = 7
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
const collector = await startCollector({
  port: 0,
  dbPath: join(dir, 'c.db'),
  clock,
  rateLimit: false,
  alertIntervalMs: 3_600_000,
})

const event = (type, category, payload) => ({
  id: randomUUID(),
  type,
  category,
  ts: now,
  sessionId: `s${Math.floor(random() * 20)}`,
  payload,
})
const send = (events, dropped = []) =>
  fetch(`${collector.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify({ v: 1, sentAt: now, sdk: { name: '@marco/runtime', version: '0.1.0' }, dropped, events }),
  })
const lognormal = (median, spread) =>
  median * Math.exp(spread * Math.sqrt(-2 * Math.log(random() + 1e-9)) * Math.cos(2 * Math.PI * random()))
const rating = (value, [good, poor]) => (value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor')
const vitals = {
  LCP: [1900, 0.45, [2500, 4000]],
  INP: [140, 0.6, [200, 500]],
  CLS: [0.05, 0.9, [0.1, 0.25]],
  FCP: [1200, 0.4, [1800, 3000]],
  TTFB: [420, 0.5, [800, 1800]],
}
const frames = [
  { function: 'applyStroke', file: 'https://marco.app/assets/canvas-3f2a.js', line: 412, column: 17, inApp: true },
  {
    function: 'CollabSession.onRemoteOp',
    file: 'https://marco.app/assets/collab-9b1c.js',
    line: 88,
    column: 5,
    inApp: true,
  },
  {
    function: 'RTCDataChannel.onmessage',
    file: 'https://marco.app/assets/collab-9b1c.js',
    line: 40,
    column: 12,
    inApp: true,
  },
  { function: 'wasm-function[231]', file: 'https://marco.app/core.wasm', inApp: false },
]
const errors = [
  ['TypeError', "Cannot read properties of undefined (reading 'points')", 'fp-stroke'],
  ['RuntimeError', 'unreachable executed', 'fp-wasm'],
  ['QuotaExceededError', 'The quota has been exceeded.', 'fp-quota'],
]

// 30 minutes in 20 s steps; busier in the last minute.
for (let step = 0; step < 90; step++) {
  now += 20_000
  const batch = []
  for (let i = 0; i < 6; i++) batch.push(event('track', 'analytics', { name: ['stroke', 'export', 'zoom'][i % 3] }))
  for (const [name, [median, spread, thresholds]] of Object.entries(vitals)) {
    if (random() < 0.8) {
      const value = Math.round(lognormal(median, spread) * (name === 'CLS' ? 1000 : 1)) / (name === 'CLS' ? 1000 : 1)
      batch.push(
        event('web_vital', 'performance', {
          name,
          value,
          rating: rating(value, thresholds),
          id: randomUUID(),
          delta: value,
          navigationType: 'navigate',
          attribution: {},
        }),
      )
    }
  }
  const fps = Math.max(8, Math.min(120, 60 - Math.abs(lognormal(3, 1.1)) + (random() < 0.1 ? -25 : 0)))
  const p50 = 35 + 15 * Math.sin(step / 9) + random() * 8
  const spike = step > 60 && step < 70 ? 110 : 0
  batch.push(
    event('perf_summary', 'performance', {
      windowMs: 20_000,
      frames: { frames: 1200, fps: Math.round(fps * 10) / 10, p50: 16.7, p95: 24, hist: [] },
      collab: {
        latency: { count: 300, p50, p95: p50 * 2.4 + spike, p99: p50 * 3.4 + spike * 1.4, max: 300, hist: [] },
      },
    }),
  )
  batch.push(
    event('canvas_summary', 'analytics', {
      windowMs: 20_000,
      performance: { fps: { count: 20, sum: 20 * Math.min(61, fps + 2), min: 30, max: 61, hist: [] } },
    }),
  )
  if (random() < 0.5) {
    const [type, message, fingerprint] = errors[Math.floor(random() * random() * errors.length)]
    batch.push(
      event('exception', 'crash', {
        exceptions: [{ type, message, frames }],
        fingerprint,
        count: 1 + Math.floor(random() * 3),
        level: 'error',
      }),
    )
  }
  const dropped =
    step % 30 === 5
      ? [
          { category: 'analytics', reason: 'queue_full', count: 40 },
          { category: 'performance', reason: 'consent_revoked', count: 3 },
        ]
      : []
  await send(batch, dropped)
  if (step === 66) await collector.checkAlerts()
}
// The last minute: steady traffic, one batch a second.
now -= 60_000
for (let s = 0; s < 60; s++) {
  now += 1_000
  await send(
    Array.from({ length: 20 + Math.floor(random() * 60) }, () => event('track', 'analytics', { name: 'stroke' })),
  )
}
await send([
  event('csp_violation', 'crash', {
    directive: 'script-src-elem',
    blockedUri: 'https://cdn.evil.example/x.js',
    fingerprint: 'csp|script-src-elem|https://cdn.evil.example/x.js',
    count: 1,
  }),
])
await send(
  Array.from({ length: 14 }, () =>
    event('exception', 'crash', {
      exceptions: [{ type: 'TypeError', message: "Cannot read properties of undefined (reading 'points')", frames }],
      fingerprint: 'fp-stroke',
      count: 1,
    }),
  ),
)
await collector.checkAlerts()

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
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
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 })
  const problems = []
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()))
  page.on('pageerror', (error) => problems.push(String(error)))
  await page.goto(`${collector.url}/dashboard`)
  await page.waitForFunction(() => document.getElementById('total')?.textContent !== '–')
  await page.waitForTimeout(500)
  await page.screenshot({ path: `${here}dashboard.png`, fullPage: true })
  console.log(
    `saved ${here}dashboard.png${problems.length ? `; page problems: ${problems.join(' | ')}` : ', no console errors'}`,
  )
} finally {
  await browser.close()
  await collector.close()
  rmSync(dir, { recursive: true, force: true })
}

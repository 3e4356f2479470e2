// The Marco demo: a small canvas PWA wired with @marco/runtime. Read top to bottom: the SDK, the board and
// its gestures, the wasm smoother, the collaborators, the diagnostics, then the one frame loop.
import { createTrustedTypesPolicy } from '@marco/security'
import { Board, type Point, type Stroke } from './board'
import { startLoopback } from './collab'
import { describeConsent, startConsentBanner } from './consentBanner'
import { startDiagnostics } from './diagnostics'
import { startGestures, type Tool } from './gestures'
import { startSdk, type Sdk } from './sdk'
import { loadSmoother, type Smoother } from './smoother'
import { startTabSync } from './tabs'

declare global {
  interface Window {
    /** Test hooks: `await window.__marco.ready` resolves once the SDK started and the wasm load settled. */
    __marco: Sdk & {
      ready: Promise<{ wasm: boolean }>
      board: Board
      smoother(): Smoother | undefined
      stats(): DemoStats
    }
  }
}

export interface DemoStats {
  peers: number
  tabs: number
  latencyP95Ms: number | undefined
  fps: number
  consent: ReturnType<Sdk['client']['consent']['snapshot']>
  wasm: 'loading' | 'ready' | 'failed'
  worker: ReturnType<Sdk['sink']['stats']>
  strokes: number
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T
const PRESENCE_MS = 1_000
const PEN_WIDTH_PX = 4

// ---- SDK ------------------------------------------------------------------------------------------------
// One Trusted Types policy (`marco`, named in the CSP) for every script URL: the analytics worker, the SW.
const policy = createTrustedTypesPolicy()
const sdk = startSdk(policy)
const { client, analytics, crash, perf } = sdk
perf.monitorRealTimeMetrics()
// Web Vitals as they settle, in the frame-rate item's tooltip.
perf.onUserExperience((ux) => {
  const parts = (['LCP', 'INP', 'CLS'] as const)
    .filter((name) => ux[name])
    .map((name) => `${name} ${ux[name]!.value.toFixed(name === 'CLS' ? 3 : 0)} (${ux[name]!.rating})`)
  $('status-fps').title = parts.join(' · ')
})
void perf.trackUserExperience().then((ux) => ux.LCP && ($('status-fps').dataset.lcp = String(Math.round(ux.LCP.value))))

// ---- Board and drawing -----------------------------------------------------------------------------------
const board = new Board($<HTMLCanvasElement>('board'))
let tool: Tool = 'pen'
let color = '#1c2333'
let smoother: Smoother | undefined
let wasmState: DemoStats['wasm'] = 'loading'

interface Drawing {
  id: string
  raw: Float32Array
  count: number
  sent: number
  stroke: Stroke
  dirty: boolean
}
let drawing: Drawing | undefined

const addPoint = (d: Drawing, p: Point): void => {
  if (d.count * 2 + 2 > d.raw.length) {
    const bigger = new Float32Array(d.raw.length * 2)
    bigger.set(d.raw)
    d.raw = bigger
  }
  const w = board.toWorld(p.x, p.y)
  d.raw[d.count * 2] = w.x
  d.raw[d.count * 2 + 1] = w.y
  d.count++
  d.dirty = true
}

/** Whether strokes are smoothed: the wasm module is loaded and the stroke-smoothing experiment says on. */
const smoothing = (): Smoother | undefined =>
  smoother && sdk.experiments.isOn('stroke-smoothing') ? smoother : undefined

/** The stroke's current geometry: smoothed in wasm when smoothing is on, the raw points otherwise. */
const geometry = (d: Drawing): Float32Array => {
  const smooth = smoothing()
  return smooth && d.count > 2 ? smooth.smooth(d.raw, d.count) : d.raw.subarray(0, d.count * 2)
}

const finish = (d: Drawing): void => {
  d.stroke.points = geometry(d).slice() // a copy: the smoothed view lives in wasm memory
  board.live.delete(d.id)
  board.add(d.stroke)
  tabs.stroke(d.stroke)
  sendOp('stroke', { id: d.id, points: d.count })
  const length = smoother ? smoother.length(d.raw, d.count) : 0
  analytics.track('stroke_drawn', { points: d.count, length: Math.round(length), smoothed: !!smoothing() })
}

startGestures(board, {
  tool: () => tool,
  drawStart(p) {
    const id = crypto.randomUUID()
    const stroke: Stroke = {
      id,
      color,
      width: PEN_WIDTH_PX / board.view.scale,
      points: new Float32Array(0),
      author: 'me',
    }
    drawing = { id, raw: new Float32Array(512), count: 0, sent: 0, stroke, dirty: true }
    addPoint(drawing, p)
    board.live.set(id, stroke)
    $('hint').classList.add('done')
  },
  drawMove(samples, since) {
    if (!drawing) return
    for (const p of samples) addPoint(drawing, p)
    analytics.trackCanvasInteraction('draw', since)
  },
  drawEnd() {
    if (drawing) finish(drawing)
    drawing = undefined
  },
  drawCancel() {
    if (drawing) board.live.delete(drawing.id)
    drawing = undefined
    board.invalidate()
  },
  tap(p) {
    closeMenu()
    board.selected = board.hit(p.x, p.y)?.id
    board.invalidate()
  },
  doubleTap() {
    board.resetView()
  },
  longPress(p) {
    const hit = board.hit(p.x, p.y)
    board.selected = hit?.id
    board.invalidate()
    openMenu(p)
  },
  gesture: (type, success) => analytics.trackGestureUsage(type, success),
})

// ---- Context menu ----------------------------------------------------------------------------------------
const menu = $('context-menu')
function openMenu(p: Point): void {
  const rect = board.canvas.getBoundingClientRect()
  $<HTMLButtonElement>('menu-delete').disabled = !board.selected
  $<HTMLButtonElement>('menu-duplicate').disabled = !board.selected
  menu.hidden = false
  // CSSOM writes are not inline style attributes: allowed under `style-src` without 'unsafe-inline'.
  menu.style.left = `${Math.min(rect.left + p.x, innerWidth - menu.offsetWidth - 8)}px`
  menu.style.top = `${Math.min(rect.top + p.y, innerHeight - menu.offsetHeight - 8)}px`
  $<HTMLButtonElement>('menu-reset-view').focus()
}
function closeMenu(): void {
  menu.hidden = true
}
board.canvas.addEventListener('contextmenu', (e) => {
  e.preventDefault()
  const rect = board.canvas.getBoundingClientRect()
  const p = { x: e.clientX - rect.left, y: e.clientY - rect.top }
  board.selected = board.hit(p.x, p.y)?.id
  board.invalidate()
  openMenu(p)
})
addEventListener(
  'pointerdown',
  (e) => !menu.contains(e.target as Node) && !menu.hidden && e.target !== board.canvas && closeMenu(),
)
addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeMenu()
  if ((e.key === 'Delete' || e.key === 'Backspace') && board.selected && !(e.target instanceof HTMLInputElement))
    removeStroke(board.selected)
  if ((e.ctrlKey || e.metaKey) && e.key === 'z') undo()
  if (e.key === 'p' && !e.ctrlKey && !e.metaKey) setTool('pen')
  if (e.key === 'h' && !e.ctrlKey && !e.metaKey) setTool('hand')
})

function removeStroke(id: string): void {
  if (!board.remove(id)) return
  tabs.remove(id)
  sendOp('remove', { id })
}
function undo(): void {
  const mine = board.strokes.filter((s) => s.author === 'me').at(-1)
  if (mine) removeStroke(mine.id)
}
function clearAll(): void {
  board.clear()
  tabs.clear()
  sendOp('clear', {})
}

$('menu-delete').addEventListener('click', () => (board.selected && removeStroke(board.selected), closeMenu()))
$('menu-duplicate').addEventListener('click', () => {
  const source = board.strokes.find((s) => s.id === board.selected)
  if (source) {
    const offset = 24 / board.view.scale
    const copy: Stroke = {
      ...source,
      id: crypto.randomUUID(),
      author: 'me',
      points: source.points.map((n) => n + offset),
    }
    board.add(copy)
    board.selected = copy.id
    tabs.stroke(copy)
    sendOp('stroke', { id: copy.id })
  }
  closeMenu()
})
$('menu-reset-view').addEventListener('click', () => (board.resetView(), closeMenu()))
$('menu-clear').addEventListener('click', () => (clearAll(), closeMenu()))

// ---- Toolbar ---------------------------------------------------------------------------------------------
function setTool(next: Tool): void {
  tool = next
  $('tool-pen').setAttribute('aria-pressed', String(next === 'pen'))
  $('tool-hand').setAttribute('aria-pressed', String(next === 'hand'))
  board.canvas.dataset.tool = next
}
$('tool-pen').addEventListener('click', () => setTool('pen'))
$('tool-hand').addEventListener('click', () => setTool('hand'))
for (const swatch of document.querySelectorAll<HTMLButtonElement>('.swatch')) {
  swatch.addEventListener('click', () => {
    color = swatch.dataset.color ?? color
    for (const other of document.querySelectorAll('.swatch'))
      other.setAttribute('aria-pressed', String(other === swatch))
    setTool('pen')
  })
}
$('undo').addEventListener('click', undo)
$('clear').addEventListener('click', clearAll)
setTool('pen')

// ---- Collaborators ---------------------------------------------------------------------------------------
const loopback = startLoopback({
  onRoundTrip(rtt) {
    // The echo covers both directions; an operation reaches a peer in about half of it.
    perf.recordLatency(rtt, 'rtt')
    perf.recordLatency(rtt / 2)
    analytics.trackCollaborativeActions(collaborators(), rtt / 2)
  },
  onChange: () => renderStatus(),
})
for (const peer of loopback.peers) perf.trackPeerConnection(peer.connection)
function sendOp(kind: string, data: unknown): void {
  if (loopback.send(kind, data)) perf.recordOperation()
}
setInterval(() => loopback.send('presence', { tool }), PRESENCE_MS)

const tabs = startTabSync({
  stroke(stroke, live) {
    if (live) board.live.set(stroke.id, stroke)
    else {
      board.live.delete(stroke.id)
      board.add(stroke)
    }
    board.invalidate()
  },
  remove: (id) => void board.remove(id),
  clear: () => board.clear(),
  snapshot: () => board.strokes,
  onChange: () => renderStatus(),
})
const collaborators = (): number => 1 + loopback.connected() + tabs.count()
addEventListener('pagehide', (e) => !e.persisted && loopback.close())

// ---- Wasm, diagnostics, consent --------------------------------------------------------------------------
const toastEl = $('toast')
let toastTimer: ReturnType<typeof setTimeout> | undefined
function toast(text: string): void {
  toastEl.textContent = text
  toastEl.hidden = false
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => (toastEl.hidden = true), 3_000)
}
startDiagnostics(crash, () => smoother, toast)
startConsentBanner(sdk.choose, () => renderStatus())

const ready = loadSmoother(sdk.wasm).then(
  (loaded) => {
    smoother = loaded
    wasmState = 'ready'
    perf.registerWasmMemory(loaded.pool.memory)
    renderStatus()
    return { wasm: true }
  },
  (error: unknown) => {
    wasmState = 'failed'
    // Drawing goes on unsmoothed; the failure is a reported, handled error.
    crash.captureException(error, { tags: { feature: 'smoother' } })
    console.warn('[demo] the smoothing module did not load; drawing without it', error)
    renderStatus()
    return { wasm: false }
  },
)

// ---- Status line and the frame loop ----------------------------------------------------------------------
let fps = 0
let frames = 0
let lastSecond = performance.now()
let latencyP95: number | undefined

function stats(): DemoStats {
  return {
    peers: loopback.connected(),
    tabs: tabs.count(),
    latencyP95Ms: latencyP95,
    fps,
    consent: client.consent.snapshot(),
    wasm: wasmState,
    worker: sdk.sink.stats(),
    strokes: board.strokes.length,
  }
}

const statusEls = {
  peers: $('status-peers'),
  latency: $('status-latency'),
  fps: $('status-fps'),
  consent: $('status-consent'),
  wasm: $('status-wasm'),
  worker: $('status-worker'),
}
function renderStatus(): void {
  const s = stats()
  const peerNames = loopback.peers.filter((p) => p.open).map((p) => p.name)
  statusEls.peers.textContent = `${s.peers} WebRTC${peerNames.length ? ` (${peerNames.join(', ')})` : ''} · ${s.tabs} tab${s.tabs === 1 ? '' : 's'}`
  statusEls.peers.dataset.state = s.peers ? 'ok' : 'wait'
  statusEls.latency.textContent = s.latencyP95Ms === undefined ? 'p95 —' : `p95 ${s.latencyP95Ms.toFixed(1)} ms`
  statusEls.fps.textContent = `${s.fps} fps`
  statusEls.fps.dataset.state = s.fps >= 50 ? 'ok' : s.fps >= 30 ? 'wait' : 'bad'
  statusEls.consent.textContent = describeConsent(s.consent)
  statusEls.wasm.textContent =
    s.wasm === 'ready' ? `wasm ✓ ${((smoother?.bytes ?? 0) / 1024).toFixed(1)} KB` : `wasm ${s.wasm}`
  statusEls.wasm.dataset.state = s.wasm === 'ready' ? 'ok' : s.wasm === 'failed' ? 'bad' : 'wait'
  statusEls.worker.textContent =
    s.worker.mode === 'idle'
      ? 'none yet'
      : `${s.worker.acknowledged} via ${s.worker.mode === 'worker' ? 'worker' : 'fallback queue'}`
  renderPresence(s.tabs)
}

const presence = $('presence')
let presenceKey = ''
function renderPresence(otherTabs: number): void {
  const people = [
    { name: 'You', css: 'me' },
    ...loopback.peers.filter((p) => p.open).map((p) => ({ name: p.name, css: p.name.toLowerCase() })),
  ]
  for (let i = 0; i < otherTabs; i++) people.push({ name: `Tab ${i + 2}`, css: 'tab' })
  const key = people.map((p) => p.name).join()
  if (key === presenceKey) return
  presenceKey = key
  presence.replaceChildren(
    ...people.map(({ name, css }) => {
      const avatar = document.createElement('span')
      avatar.className = `avatar ${css}`
      avatar.title = name
      avatar.textContent = name === 'You' ? 'You' : name.startsWith('Tab') ? `T${name.slice(4)}` : name[0]!
      return avatar
    }),
  )
}

function frame(now: number): void {
  frames++
  const d = drawing
  if (d?.dirty) {
    d.dirty = false
    // The per-frame wasm work: the whole stroke so far, smoothed. `points` is valid for this frame's render.
    d.stroke.points = geometry(d)
    board.invalidate()
    if (d.count > d.sent) {
      sendOp('points', { id: d.id, from: d.sent, to: d.count })
      d.sent = d.count
      tabs.live(d.stroke)
    }
  }
  board.render()
  if (now - lastSecond >= 1_000) {
    fps = Math.round((frames * 1_000) / (now - lastSecond))
    frames = 0
    lastSecond = now
    latencyP95 = perf.analyzeCollaborationPerformance().latency?.p95 ?? latencyP95
    const memory = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory
    analytics.trackPerformanceMetrics(fps, memory ? memory.usedJSHeapSize / 1_048_576 : 0)
    renderStatus()
  }
  requestAnimationFrame(frame)
}
requestAnimationFrame(frame)

// ---- Installable, offline --------------------------------------------------------------------------------
if ('serviceWorker' in navigator) {
  addEventListener('load', () => {
    // `register` is a Trusted Types sink: the URL goes through the same `marco` policy.
    navigator.serviceWorker
      .register(policy.createScriptURL('/sw.js'), { scope: '/' })
      .catch((error: unknown) => console.warn('[demo] service worker not registered', error))
  })
}

window.__marco = { ...sdk, ready, board, smoother: () => smoother, stats }
renderStatus()

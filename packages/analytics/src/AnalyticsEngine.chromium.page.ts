// The page the AnalyticsEngine Chromium tests load: a drawing canvas whose pointer handlers feed one
// AnalyticsEngine used alone, posting to the page's own origin. The page keeps its own tally of what its
// handlers passed to the engine, so a test can compare the summary that arrives with what really happened.
import { AnalyticsEngine } from '@marco/analytics'

/** Farther than this from where it started (CSS px), a gesture is a pan; within it, a tap or a long press. */
const TAP_SLOP_PX = 10
const LONG_PRESS_MS = 500

const params = new URLSearchParams(location.search)
const engine = new AnalyticsEngine({
  endpoint: '/v1/batch',
  // Far longer than a test: the only summary is the one sent when the page is hidden.
  summaryIntervalMs: 60_000,
  consent: { defaults: { analytics: params.get('consent') === 'pending' ? 'pending' : 'granted' } },
})

interface Stroke {
  readonly x: number
  readonly y: number
  readonly start: number
  last: number
  farthest: number
}

/** What the page's handlers passed to the engine, counted by the page itself. */
export interface Tally {
  /** pointermove events handled while a pointer was down: each was one `trackCanvasInteraction('draw', …)`. */
  moves: number
  drawMs: { sum: number; min: number; max: number }
  gestures: Record<string, { count: number; success: number }>
}

const tally: Tally = { moves: 0, drawMs: { sum: 0, min: Infinity, max: -Infinity }, gestures: {} }
const strokes = new Map<number, Stroke>()

document.body.style.margin = '0'
const canvas = document.createElement('canvas')
canvas.width = 600
canvas.height = 400
// The page handles touches itself: no browser panning that would cancel a pointer.
canvas.style.touchAction = 'none'
canvas.style.display = 'block'
document.body.append(canvas)
const ctx = canvas.getContext('2d')!
ctx.lineWidth = 2

canvas.addEventListener('pointerdown', (event) => {
  strokes.set(event.pointerId, {
    x: event.offsetX,
    y: event.offsetY,
    start: event.timeStamp,
    last: event.timeStamp,
    farthest: 0,
  })
  ctx.beginPath()
  ctx.moveTo(event.offsetX, event.offsetY)
})

canvas.addEventListener('pointermove', (event) => {
  const stroke = strokes.get(event.pointerId)
  // Hovering, not drawing.
  if (!stroke) return
  const duration = event.timeStamp - stroke.last
  stroke.last = event.timeStamp
  stroke.farthest = Math.max(stroke.farthest, Math.hypot(event.offsetX - stroke.x, event.offsetY - stroke.y))
  engine.trackCanvasInteraction('draw', duration)
  tally.moves++
  tally.drawMs.sum += duration
  tally.drawMs.min = Math.min(tally.drawMs.min, duration)
  tally.drawMs.max = Math.max(tally.drawMs.max, duration)
  ctx.lineTo(event.offsetX, event.offsetY)
  ctx.stroke()
})

const endGesture = (event: PointerEvent): void => {
  const stroke = strokes.get(event.pointerId)
  if (!stroke) return
  strokes.delete(event.pointerId)
  const farthest = Math.max(stroke.farthest, Math.hypot(event.offsetX - stroke.x, event.offsetY - stroke.y))
  const gesture =
    farthest >= TAP_SLOP_PX ? 'pan' : event.timeStamp - stroke.start < LONG_PRESS_MS ? 'tap' : 'long-press'
  // A pointer the browser cancelled was not a gesture the page could act on.
  const success = event.type === 'pointerup'
  engine.trackGestureUsage(gesture, success)
  const counts = (tally.gestures[gesture] ??= { count: 0, success: 0 })
  counts.count++
  if (success) counts.success++
}
canvas.addEventListener('pointerup', endGesture)
canvas.addEventListener('pointercancel', endGesture)

Object.assign(window, {
  analyticsTest: {
    engine,
    tally: (): Tally => structuredClone(tally),
    databases: async (): Promise<string[]> => (await indexedDB.databases()).map((database) => database.name ?? ''),
  },
})

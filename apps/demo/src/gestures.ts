import type { GestureType } from '@marco/analytics'
import type { Board, Point, View } from './board'

export type Tool = 'pen' | 'hand'

export interface GestureHandlers {
  tool(): Tool
  drawStart(screen: Point): void
  /** One pointer move while drawing (its coalesced samples) and the ms since the previous move. */
  drawMove(samples: Point[], sincePreviousMs: number): void
  drawEnd(): void
  drawCancel(): void
  tap(screen: Point): void
  doubleTap(screen: Point): void
  longPress(screen: Point): void
  /** Every recognised (or abandoned) gesture, for `trackGestureUsage`. */
  gesture(type: GestureType, success: boolean): void
}

/** Movement (CSS px) under which a press is still a tap or long press. */
const SLOP_PX = 8
const LONG_PRESS_MS = 550
const DOUBLE_TAP_MS = 320
const DOUBLE_TAP_PX = 28
/** A two-finger gesture counts as pinch / rotate / pan past these. */
const PINCH_RATIO = 0.04
const ROTATE_RAD = (4 * Math.PI) / 180
const PAN_PX = 12
const WHEEL_IDLE_MS = 180

type Mode = 'idle' | 'pending' | 'draw' | 'pan' | 'multi' | 'held' | 'ignore'

interface Tracked {
  x: number
  y: number
  startX: number
  startY: number
}

interface MultiStart {
  distance: number
  /** The fingers' angle at the last move, and the rotation accumulated since the start (unwrapped). */
  angle: number
  turn: number
  mid: Point
  world: Point
  view: View
  moved: { pinch: boolean; rotate: boolean; pan: boolean }
}

/**
 * Pointer and multi-touch gestures on the board: with the pen, one pointer draws; a short still press taps
 * (selects), two quick taps reset the view, a long still press opens the context menu; two fingers pinch,
 * rotate and pan the view together. With the hand tool one pointer pans. Ctrl/⌘ + wheel (a trackpad pinch)
 * zooms, the wheel pans. Each gesture reports itself once, when it ends.
 */
export function startGestures(board: Board, handlers: GestureHandlers): () => void {
  const canvas = board.canvas
  const pointers = new Map<number, Tracked>()
  let mode: Mode = 'idle'
  let primary = -1
  let longPress: ReturnType<typeof setTimeout> | undefined
  let lastMoveTs = 0
  let lastTap: { t: number; x: number; y: number } | undefined
  let multi: MultiStart | undefined
  let panStart: { x: number; y: number; view: View } | undefined
  let wheel: { timer: ReturnType<typeof setTimeout>; zoomed: boolean; panned: boolean } | undefined

  const local = (e: { clientX: number; clientY: number }): Point => {
    const rect = canvas.getBoundingClientRect()
    return { x: e.clientX - rect.left, y: e.clientY - rect.top }
  }
  const clearLongPress = (): void => {
    if (longPress !== undefined) clearTimeout(longPress)
    longPress = undefined
  }
  const geometry = (): { distance: number; angle: number; mid: Point } => {
    const [a, b] = [...pointers.values()] as [Tracked, Tracked]
    return {
      distance: Math.hypot(b.x - a.x, b.y - a.y) || 1,
      angle: Math.atan2(b.y - a.y, b.x - a.x),
      mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
    }
  }
  const endMulti = (success: boolean): void => {
    if (!multi) return
    const { moved } = multi
    const any = moved.pinch || moved.rotate || moved.pan
    if (moved.pinch) handlers.gesture('pinch', success)
    if (moved.rotate) handlers.gesture('rotate', success)
    if (moved.pan) handlers.gesture('pan', success)
    // Two fingers that rested without moving: an attempt nothing came of.
    if (!any) handlers.gesture('pinch', false)
    multi = undefined
  }

  const down = (e: PointerEvent): void => {
    if (e.pointerType === 'mouse' && e.button !== 0) return
    const p = local(e)
    pointers.set(e.pointerId, { x: p.x, y: p.y, startX: p.x, startY: p.y })
    canvas.setPointerCapture?.(e.pointerId)
    if (pointers.size === 1) {
      primary = e.pointerId
      mode = 'pending'
      lastMoveTs = e.timeStamp
      if (handlers.tool() === 'pen') handlers.drawStart(p)
      else panStart = { x: p.x, y: p.y, view: { ...board.view } }
      longPress = setTimeout(() => {
        if (mode !== 'pending') return
        mode = 'held'
        if (handlers.tool() === 'pen') handlers.drawCancel()
        handlers.longPress(p)
        handlers.gesture('long-press', true)
      }, LONG_PRESS_MS)
    } else if (pointers.size === 2 && mode !== 'ignore' && mode !== 'held') {
      clearLongPress()
      if (mode === 'pending' || mode === 'draw') handlers.tool() === 'pen' && handlers.drawCancel()
      mode = 'multi'
      const g = geometry()
      multi = {
        ...g,
        turn: 0,
        world: board.toWorld(g.mid.x, g.mid.y),
        view: { ...board.view },
        moved: { pinch: false, rotate: false, pan: false },
      }
    }
    e.preventDefault()
  }

  const move = (e: PointerEvent): void => {
    const tracked = pointers.get(e.pointerId)
    if (!tracked) return
    const p = local(e)
    tracked.x = p.x
    tracked.y = p.y
    if (mode === 'multi' && multi && pointers.size >= 2) {
      const g = geometry()
      const ratio = g.distance / multi.distance
      // atan2 jumps by 2π where the fingers cross the ±180° line: add up the small steps instead.
      const step = g.angle - multi.angle
      multi.turn += step - Math.round(step / (2 * Math.PI)) * 2 * Math.PI
      multi.angle = g.angle
      const turn = multi.turn
      multi.moved.pinch ||= Math.abs(ratio - 1) > PINCH_RATIO
      multi.moved.rotate ||= Math.abs(turn) > ROTATE_RAD
      multi.moved.pan ||= Math.hypot(g.mid.x - multi.mid.x, g.mid.y - multi.mid.y) > PAN_PX
      board.placeView(multi.world, g.mid, multi.view.scale * ratio, multi.view.rotation + turn)
      return
    }
    if (e.pointerId !== primary) return
    if (mode === 'pending' && Math.hypot(p.x - tracked.startX, p.y - tracked.startY) > SLOP_PX) {
      clearLongPress()
      mode = handlers.tool() === 'pen' ? 'draw' : 'pan'
    }
    if (mode === 'draw' || (mode === 'pending' && handlers.tool() === 'pen')) {
      const samples = (e.getCoalescedEvents?.() ?? []).map(local)
      handlers.drawMove(samples.length ? samples : [p], e.timeStamp - lastMoveTs)
      lastMoveTs = e.timeStamp
    } else if (mode === 'pan' && panStart) {
      const v = panStart.view
      board.view = { ...v, x: v.x + p.x - panStart.x, y: v.y + p.y - panStart.y }
      board.invalidate()
    }
  }

  const up = (e: PointerEvent): void => {
    const tracked = pointers.get(e.pointerId)
    if (!tracked) return
    pointers.delete(e.pointerId)
    const cancelled = e.type === 'pointercancel'
    if (mode === 'multi') {
      endMulti(!cancelled)
      // The finger left behind neither draws nor pans until every finger is up.
      mode = pointers.size ? 'ignore' : 'idle'
      return
    }
    if (e.pointerId !== primary) return
    clearLongPress()
    const p = local(e)
    if (mode === 'pending') {
      if (handlers.tool() === 'pen') handlers.drawCancel()
      if (cancelled) handlers.gesture('tap', false)
      else if (
        lastTap &&
        e.timeStamp - lastTap.t < DOUBLE_TAP_MS &&
        Math.hypot(p.x - lastTap.x, p.y - lastTap.y) < DOUBLE_TAP_PX
      ) {
        lastTap = undefined
        handlers.doubleTap(p)
        handlers.gesture('double-tap', true)
      } else {
        lastTap = { t: e.timeStamp, x: p.x, y: p.y }
        handlers.tap(p)
        handlers.gesture('tap', true)
      }
    } else if (mode === 'draw') {
      if (cancelled) handlers.drawCancel()
      else handlers.drawEnd()
    } else if (mode === 'pan') {
      handlers.gesture('pan', !cancelled)
    }
    panStart = undefined
    mode = pointers.size ? 'ignore' : 'idle'
  }

  const onWheel = (e: WheelEvent): void => {
    e.preventDefault()
    const p = local(e)
    const v = board.view
    const zoom = e.ctrlKey || e.metaKey
    if (zoom) board.placeView(board.toWorld(p.x, p.y), p, v.scale * Math.exp(-e.deltaY * 0.01), v.rotation)
    else {
      board.view = { ...v, x: v.x - e.deltaX, y: v.y - e.deltaY }
      board.invalidate()
    }
    if (wheel) clearTimeout(wheel.timer)
    const state = (wheel ??= { timer: 0 as never, zoomed: false, panned: false })
    state.zoomed ||= zoom
    state.panned ||= !zoom
    // One wheel burst (a trackpad gesture) is one gesture.
    state.timer = setTimeout(() => {
      if (state.zoomed) handlers.gesture('pinch', true)
      if (state.panned) handlers.gesture('pan', true)
      wheel = undefined
    }, WHEEL_IDLE_MS)
  }

  canvas.addEventListener('pointerdown', down)
  canvas.addEventListener('pointermove', move)
  canvas.addEventListener('pointerup', up)
  canvas.addEventListener('pointercancel', up)
  canvas.addEventListener('wheel', onWheel, { passive: false })
  return () => {
    clearLongPress()
    canvas.removeEventListener('pointerdown', down)
    canvas.removeEventListener('pointermove', move)
    canvas.removeEventListener('pointerup', up)
    canvas.removeEventListener('pointercancel', up)
    canvas.removeEventListener('wheel', onWheel)
  }
}

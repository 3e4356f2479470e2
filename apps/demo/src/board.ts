/** A finished or in-progress stroke, in world coordinates (x, y pairs). */
export interface Stroke {
  readonly id: string
  readonly color: string
  readonly width: number
  points: Float32Array
  /** Who drew it: `me`, or the tab / peer it came from. */
  readonly author: string
}

/** The view: screen = translate(x, y) · rotate(rotation) · scale(scale) · world. */
export interface View {
  x: number
  y: number
  scale: number
  rotation: number
}

export interface Point {
  x: number
  y: number
}

const GRID_PX = 32
const MIN_SCALE = 0.2
const MAX_SCALE = 8

/**
 * The drawing surface: strokes, the view transform, hit testing and rendering. It renders only when
 * something changed (`invalidate()`), from the app's one animation-frame loop.
 */
export class Board {
  readonly canvas: HTMLCanvasElement
  strokes: Stroke[] = []
  /** Strokes being drawn right now (the local one and other tabs'), by id; `points` replaced every frame. */
  live = new Map<string, Stroke>()
  view: View = { x: 0, y: 0, scale: 1, rotation: 0 }
  selected: string | undefined
  private _ctx: CanvasRenderingContext2D
  private _dirty = true
  private _dpr = 1
  private _width = 0
  private _height = 0

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas
    this._ctx = canvas.getContext('2d', { desynchronized: true })!
    new ResizeObserver(() => this._resize()).observe(canvas)
    this._resize()
  }

  invalidate(): void {
    this._dirty = true
  }

  /** Screen (CSS px, relative to the canvas) → world. */
  toWorld(x: number, y: number): Point {
    const { view } = this
    const dx = x - view.x
    const dy = y - view.y
    const cos = Math.cos(-view.rotation)
    const sin = Math.sin(-view.rotation)
    return { x: (dx * cos - dy * sin) / view.scale, y: (dx * sin + dy * cos) / view.scale }
  }

  /** Sets the view so that `world` appears at screen point `screen`, with this scale and rotation. */
  placeView(world: Point, screen: Point, scale: number, rotation: number): void {
    const s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale))
    const cos = Math.cos(rotation)
    const sin = Math.sin(rotation)
    this.view = {
      scale: s,
      rotation,
      x: screen.x - (world.x * cos - world.y * sin) * s,
      y: screen.y - (world.x * sin + world.y * cos) * s,
    }
    this.invalidate()
  }

  resetView(): boolean {
    const { x, y, scale, rotation } = this.view
    this.view = { x: 0, y: 0, scale: 1, rotation: 0 }
    this.invalidate()
    return x !== 0 || y !== 0 || scale !== 1 || rotation !== 0
  }

  add(stroke: Stroke): boolean {
    if (this.strokes.some((s) => s.id === stroke.id)) return false
    this.strokes.push(stroke)
    this.invalidate()
    return true
  }

  remove(id: string): Stroke | undefined {
    const index = this.strokes.findIndex((s) => s.id === id)
    if (index < 0) return undefined
    if (this.selected === id) this.selected = undefined
    this.invalidate()
    return this.strokes.splice(index, 1)[0]
  }

  clear(): void {
    this.strokes = []
    this.selected = undefined
    this.invalidate()
  }

  /** The topmost stroke within a few screen pixels of the screen point. */
  hit(x: number, y: number): Stroke | undefined {
    const p = this.toWorld(x, y)
    for (let i = this.strokes.length - 1; i >= 0; i--) {
      const stroke = this.strokes[i]!
      const reach = stroke.width / 2 + 8 / this.view.scale
      const pts = stroke.points
      if (pts.length === 2 && Math.hypot(pts[0]! - p.x, pts[1]! - p.y) <= reach) return stroke
      for (let j = 0; j + 3 < pts.length; j += 2) {
        if (distanceToSegment(p, pts[j]!, pts[j + 1]!, pts[j + 2]!, pts[j + 3]!) <= reach) return stroke
      }
    }
    return undefined
  }

  /** Draws if something changed; returns whether it drew. */
  render(): boolean {
    if (!this._dirty) return false
    this._dirty = false
    const ctx = this._ctx
    const { view } = this
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height)
    const cos = Math.cos(view.rotation) * view.scale
    const sin = Math.sin(view.rotation) * view.scale
    const d = this._dpr
    ctx.setTransform(cos * d, sin * d, -sin * d, cos * d, view.x * d, view.y * d)
    this._grid()
    for (const stroke of this.strokes) this._stroke(stroke, stroke.id === this.selected)
    for (const stroke of this.live.values()) this._stroke(stroke, false)
    return true
  }

  private _grid(): void {
    const ctx = this._ctx
    const corners = [
      this.toWorld(0, 0),
      this.toWorld(this._width, 0),
      this.toWorld(0, this._height),
      this.toWorld(this._width, this._height),
    ]
    const step = GRID_PX * (this.view.scale < 0.5 ? 4 : 1)
    const minX = Math.floor(Math.min(...corners.map((c) => c.x)) / step) * step
    const maxX = Math.max(...corners.map((c) => c.x))
    const minY = Math.floor(Math.min(...corners.map((c) => c.y)) / step) * step
    const maxY = Math.max(...corners.map((c) => c.y))
    const r = 1.1 / this.view.scale
    ctx.fillStyle = '#c9cfdb'
    ctx.beginPath()
    for (let x = minX; x <= maxX; x += step) {
      for (let y = minY; y <= maxY; y += step) {
        ctx.moveTo(x + r, y)
        ctx.arc(x, y, r, 0, Math.PI * 2)
      }
    }
    ctx.fill()
  }

  private _stroke(stroke: Stroke, selected: boolean): void {
    const ctx = this._ctx
    const pts = stroke.points
    if (pts.length < 2) return
    ctx.lineCap = 'round'
    ctx.lineJoin = 'round'
    const path = new Path2D()
    path.moveTo(pts[0]!, pts[1]!)
    if (pts.length === 2) path.lineTo(pts[0]! + 0.01, pts[1]!)
    for (let i = 2; i + 1 < pts.length; i += 2) path.lineTo(pts[i]!, pts[i + 1]!)
    if (selected) {
      ctx.strokeStyle = 'rgba(76, 110, 245, 0.28)'
      ctx.lineWidth = stroke.width + 12 / this.view.scale
      ctx.stroke(path)
    }
    ctx.strokeStyle = stroke.color
    ctx.lineWidth = stroke.width
    ctx.stroke(path)
  }

  private _resize(): void {
    const rect = this.canvas.getBoundingClientRect()
    this._dpr = Math.min(3, devicePixelRatio || 1)
    this._width = rect.width
    this._height = rect.height
    this.canvas.width = Math.max(1, Math.round(rect.width * this._dpr))
    this.canvas.height = Math.max(1, Math.round(rect.height * this._dpr))
    this.invalidate()
  }
}

function distanceToSegment(p: Point, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax
  const dy = by - ay
  const lengthSquared = dx * dx + dy * dy
  const t = lengthSquared ? Math.max(0, Math.min(1, ((p.x - ax) * dx + (p.y - ay) * dy) / lengthSquared)) : 0
  return Math.hypot(p.x - (ax + t * dx), p.y - (ay + t * dy))
}

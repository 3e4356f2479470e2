import { validateMessage, type InferMessage } from '@marco/security'
import type { Stroke } from './board'

const CHANNEL = 'marco-demo'
const MAX_POINTS = 40_000

const StrokeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    color: { type: 'string', pattern: /^#[0-9a-f]{6}$/i },
    width: { type: 'number', min: 0.5, max: 64 },
    points: { type: 'array', maxItems: MAX_POINTS, items: { type: 'number', min: -1e7, max: 1e7 } },
  },
} as const

/** Everything one tab tells the others, checked field by field on arrival (another tab is input too). */
const MessageSchema = {
  type: 'object',
  properties: {
    type: { type: 'literal', values: ['hello', 'welcome', 'bye', 'live', 'stroke', 'remove', 'clear'] },
    tab: { type: 'string', maxLength: 64 },
    stroke: { ...StrokeSchema, optional: true },
    strokes: { type: 'array', maxItems: 2_000, items: StrokeSchema, optional: true },
    id: { type: 'string', maxLength: 64, optional: true },
  },
} as const

type Message = InferMessage<typeof MessageSchema>
type WireStroke = InferMessage<typeof StrokeSchema>

export interface TabSync {
  readonly id: string
  /** Other tabs of this origin with the demo open. */
  count(): number
  live(stroke: Stroke): void
  stroke(stroke: Stroke): void
  remove(id: string): void
  clear(): void
  close(): void
}

export interface TabSyncHandlers {
  /** Every stroke this tab should show, in progress (`live`) or finished. */
  stroke(stroke: Stroke, live: boolean): void
  remove(id: string): void
  clear(): void
  /** The strokes to hand a newly opened tab. */
  snapshot(): Stroke[]
  onChange(): void
}

const toWire = (stroke: Stroke): WireStroke => ({
  id: stroke.id,
  color: stroke.color,
  width: stroke.width,
  points: Array.from(stroke.points, (n) => Math.round(n * 100) / 100),
})
const fromWire = (stroke: WireStroke, tab: string): Stroke => ({
  ...stroke,
  points: Float32Array.from(stroke.points),
  author: tab,
})

/**
 * The second collaborator: other tabs of this origin over `BroadcastChannel`. Strokes are mirrored live
 * while drawn and when finished; a tab that opens says hello and gets the strokes the others have.
 */
export function startTabSync(handlers: TabSyncHandlers): TabSync {
  const id = crypto.randomUUID()
  const others = new Set<string>()
  if (typeof BroadcastChannel !== 'function') {
    return { id, count: () => 0, live() {}, stroke() {}, remove() {}, clear() {}, close() {} }
  }
  const channel = new BroadcastChannel(CHANNEL)
  const post = (message: Omit<Message, 'tab'>): void => channel.postMessage({ ...message, tab: id })
  channel.addEventListener('message', (e) => {
    const result = validateMessage(MessageSchema, e.data, { maxItems: MAX_POINTS })
    if (!result.ok) return console.warn('[demo] ignored a malformed message from another tab:', result.message)
    const message = result.value
    if (message.tab === id) return
    const known = others.has(message.tab)
    if (message.type === 'bye') others.delete(message.tab)
    else others.add(message.tab)
    if (known !== others.has(message.tab)) handlers.onChange()
    switch (message.type) {
      case 'hello':
        post({ type: 'welcome', strokes: handlers.snapshot().map(toWire) })
        break
      case 'welcome':
        for (const stroke of message.strokes ?? []) handlers.stroke(fromWire(stroke, message.tab), false)
        break
      case 'live':
      case 'stroke':
        if (message.stroke) handlers.stroke(fromWire(message.stroke, message.tab), message.type === 'live')
        break
      case 'remove':
        if (message.id) handlers.remove(message.id)
        break
      case 'clear':
        handlers.clear()
        break
    }
  })
  post({ type: 'hello' })
  const bye = (): void => post({ type: 'bye' })
  addEventListener('pagehide', bye)
  return {
    id,
    count: () => others.size,
    live: (stroke) => post({ type: 'live', stroke: toWire(stroke) }),
    stroke: (stroke) => post({ type: 'stroke', stroke: toWire(stroke) }),
    remove: (strokeId) => post({ type: 'remove', id: strokeId }),
    clear: () => post({ type: 'clear' }),
    close() {
      removeEventListener('pagehide', bye)
      bye()
      channel.close()
    },
  }
}

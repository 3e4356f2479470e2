/** Largest count one event may add (a summary window cannot hold more actions than this). */
const MAX_PER_EVENT = 1_000_000

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(Math.floor(value), MAX_PER_EVENT) : 0

/**
 * The user interactions one analytics event stands for: a `track` call is one; a `canvas_summary` window is
 * the sum of its canvas action counts and gesture counts (`@marco/analytics` pre-aggregates those). Other
 * events (pages, sessions, identify, crashes) are none. Lenient: a field of an unexpected shape counts 0.
 *
 * @example
 * countInteractions('canvas_summary', { canvas: { draw: { count: 40 } }, gestures: { pinch: { count: 2, success: 2 } }
 * }) // 42
 */
export function countInteractions(type: string, payload: unknown): number {
  if (type === 'track') return 1
  if (type !== 'canvas_summary' || !payload || typeof payload !== 'object') return 0
  const { canvas, gestures } = payload as { canvas?: unknown; gestures?: unknown }
  let total = 0
  for (const group of [canvas, gestures]) {
    if (!group || typeof group !== 'object') continue
    for (const entry of Object.values(group)) total += count((entry as { count?: unknown } | null)?.count)
  }
  return Math.min(total, MAX_PER_EVENT)
}

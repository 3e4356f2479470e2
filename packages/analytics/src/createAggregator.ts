import { addToSummary, BOUNDS, createSummary, type HistogramSummary } from './summary'

/** Most distinct canvas actions or gestures summarised per window; more are counted as `too_many_keys`. */
export const MAX_KEYS_PER_WINDOW = 100

export interface Aggregator {
  canvas(action: string, durationMs: number): void
  gesture(gesture: string, success: boolean): void
  collaboration(users: number, latencyMs: number): void
  performance(fps: number, memoryMb: number): void
  /** Counts an input that was dropped or clamped, by reason. */
  reject(reason: string): void
  /** The window's summary, or `undefined` when nothing happened in it; starts the next window. */
  take(now: number): Record<string, unknown> | undefined
}

/**
 * Pre-aggregates high-frequency calls into one summary per window: per canvas action and per metric a count,
 * sum, min, max and histogram (`BOUNDS`), per gesture a count and successes. Recording allocates only the
 * first time a key appears in a window.
 *
 * @example
 * const aggregator = createAggregator(Date.now())
 * aggregator.canvas('draw', 12)
 * aggregator.take(Date.now()) // { windowStart, windowMs, canvas: { draw: { count: 1, … } }, … }
 */
export function createAggregator(start: number): Aggregator {
  let windowStart = start
  let canvas = new Map<string, HistogramSummary>()
  let gestures = new Map<string, { count: number; success: number }>()
  let users: HistogramSummary | undefined
  let latency: HistogramSummary | undefined
  let fps: HistogramSummary | undefined
  let memory: HistogramSummary | undefined
  let rejected: Record<string, number> = {}
  const reject = (reason: string) => {
    rejected[reason] = (rejected[reason] ?? 0) + 1
  }
  return {
    canvas(action, durationMs) {
      let summary = canvas.get(action)
      if (!summary) {
        if (canvas.size >= MAX_KEYS_PER_WINDOW) return reject('too_many_keys')
        canvas.set(action, (summary = createSummary(BOUNDS.durationMs)))
      }
      addToSummary(summary, durationMs, BOUNDS.durationMs)
    },
    gesture(gesture, success) {
      let counts = gestures.get(gesture)
      if (!counts) {
        if (gestures.size >= MAX_KEYS_PER_WINDOW) return reject('too_many_keys')
        gestures.set(gesture, (counts = { count: 0, success: 0 }))
      }
      counts.count++
      if (success) counts.success++
    },
    collaboration(count, latencyMs) {
      addToSummary((users ??= createSummary(BOUNDS.users)), count, BOUNDS.users)
      addToSummary((latency ??= createSummary(BOUNDS.latencyMs)), latencyMs, BOUNDS.latencyMs)
    },
    performance(rate, memoryMb) {
      addToSummary((fps ??= createSummary(BOUNDS.fps)), rate, BOUNDS.fps)
      addToSummary((memory ??= createSummary(BOUNDS.memoryMb)), memoryMb, BOUNDS.memoryMb)
    },
    reject,
    take(now) {
      const empty = !canvas.size && !gestures.size && !users && !fps && !Object.keys(rejected).length
      const summary = empty
        ? undefined
        : {
            windowStart,
            windowMs: now - windowStart,
            canvas: Object.fromEntries(canvas),
            gestures: Object.fromEntries(gestures),
            collaboration: users && { users, latencyMs: latency },
            performance: fps && { fps, memoryMb: memory },
            rejected,
          }
      windowStart = now
      canvas = new Map()
      gestures = new Map()
      users = latency = fps = memory = undefined
      rejected = {}
      return summary
    },
  }
}

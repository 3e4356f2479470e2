import { createQuantileSketch } from './createQuantileSketch'
import { toPercentiles } from './toPercentiles'

/** A frame took longer than this: a stutter the user sees (the long-animation-frame threshold). */
export const JANK_FRAME_MS = 50
/** Frame-time histogram bounds, in ms (120, 60, 30, 20 fps, jank, long frame). */
export const FRAME_BOUNDS_MS = [8.4, 16.7, 33.4, 50, 100, 200] as const

/** One window of frames, summarised. Times in ms. */
export interface FrameSummary {
  readonly frames: number
  /** Frames per second over the visible time of the window. */
  readonly fps: number
  /** Display refreshes that had no new frame (the sum, over the frames, of refreshes missed). */
  readonly dropped: number
  /** Frames longer than `JANK_FRAME_MS`. */
  readonly janky: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
  /** Frame-time histogram over `FRAME_BOUNDS_MS`, exact (`hist[i]`: at or above `bounds[i - 1]`, below `bounds[i]`). */
  readonly hist: number[]
}

export interface FrameStats {
  /** One `requestAnimationFrame` timestamp. */
  add(timestampMs: number): void
  /** The page was hidden: the gap until the next frame is not a frame. */
  pause(): void
  /** The window's summary (`undefined` without frames); starts a new window. */
  take(): FrameSummary | undefined
}

/**
 * Frame statistics from `requestAnimationFrame` timestamps: frame rate, frame-time percentiles and
 * histogram, dropped and janky frames — kept as counters, never one record per frame. The display's refresh
 * interval is the shortest frame seen (at least 1000/240 ms). When `minFps` is given, `onLowFps(fps)` is
 * called once each time whole one-second windows below it have lasted `lowFpsMs`.
 *
 * @example
 * const stats = createFrameStats({ minFps: 50, lowFpsMs: 5000, onLowFps: (fps) => warn(fps) })
 * const loop = (t: number) => { stats.add(t); requestAnimationFrame(loop) }
 * requestAnimationFrame(loop)
 * stats.take() // { frames: 598, fps: 59.8, dropped: 2, janky: 0, p50: 16.7, … }
 */
/* @__NO_SIDE_EFFECTS__ */
export function createFrameStats(
  options: { minFps?: number; lowFpsMs?: number; onLowFps?: (fps: number) => void } = {},
): FrameStats {
  const { minFps = 0, lowFpsMs = 5_000, onLowFps } = options
  const sketch = createQuantileSketch({ minValue: 0.1, maxValue: 60_000 })
  let last: number | undefined
  let interval = 1000 / 60
  let visibleMs = 0
  let dropped = 0
  let janky = 0
  // Counted exactly, not from the sketch: its ±1 % would put frames near a bound (8.33 ms at 120 Hz) in the next bucket.
  let hist = FRAME_BOUNDS_MS.map(() => 0).concat(0)
  // One-second windows for the low-frame-rate budget.
  let secondStart: number | undefined
  let secondFrames = 0
  let lowMs = 0
  let lowFrames = 0
  let reported = false
  return {
    add(t) {
      if (secondStart === undefined) secondStart = t
      else if (t - secondStart >= 1000) {
        const elapsed = t - secondStart
        if ((secondFrames * 1000) / elapsed < minFps) {
          lowMs += elapsed
          lowFrames += secondFrames
          if (lowMs >= lowFpsMs && !reported) {
            reported = true
            onLowFps?.((lowFrames * 1000) / lowMs)
          }
        } else lowMs = lowFrames = +(reported = false)
        secondStart = t
        secondFrames = 0
      }
      secondFrames++
      if (last !== undefined) {
        const delta = t - last
        if (delta > 0) {
          if (delta < interval) interval = Math.max(delta, 1000 / 240)
          visibleMs += delta
          sketch.add(delta)
          dropped += Math.max(0, Math.round(delta / interval) - 1)
          if (delta > JANK_FRAME_MS) janky++
          let bucket = 0
          while (bucket < FRAME_BOUNDS_MS.length && delta >= FRAME_BOUNDS_MS[bucket]!) bucket++
          hist[bucket]!++
        }
      }
      last = t
    },
    pause() {
      last = secondStart = undefined
      secondFrames = 0
    },
    take() {
      const percentiles = toPercentiles(sketch, FRAME_BOUNDS_MS)
      let summary: FrameSummary | undefined
      if (percentiles) {
        const { count: frames, ...times } = percentiles
        summary = { frames, fps: Math.round((frames * 10_000) / visibleMs) / 10, dropped, janky, ...times, hist }
      }
      sketch.reset()
      hist = hist.map(() => 0)
      visibleMs = dropped = janky = 0
      return summary
    },
  }
}

// The in-page half of performance.bench.mjs: bundled by esbuild (the built @marco/performance-analytics),
// served on 127.0.0.1, driven from Node. A Marco-like canvas: 2,000 shapes moved and drawn every frame.
import { createFrameStats, createQuantileSketch, PerformanceAnalytics } from '@marco/performance-analytics'

const SHAPES = 2_000
const now = () => performance.now()

const canvas = document.createElement('canvas')
canvas.width = 1280
canvas.height = 720
document.body.append(canvas)
const ctx = canvas.getContext('2d')
// A seeded scene, so every run draws the same thing.
let seed = 42
const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
const shapes = Array.from({ length: SHAPES }, (_, i) => ({
  x: random() * 1280,
  y: random() * 720,
  dx: random() * 4 - 2,
  dy: random() * 4 - 2,
  r: 2 + random() * 10,
  round: i % 2 === 0,
  color: `hsl(${Math.floor(random() * 360)} 70% 50%)`,
}))

function draw() {
  ctx.clearRect(0, 0, 1280, 720)
  for (const s of shapes) {
    s.x = (s.x + s.dx + 1280) % 1280
    s.y = (s.y + s.dy + 720) % 720
    ctx.fillStyle = s.color
    if (s.round) {
      ctx.beginPath()
      ctx.arc(s.x, s.y, s.r, 0, Math.PI * 2)
      ctx.fill()
    } else ctx.fillRect(s.x, s.y, s.r * 2, s.r * 2)
  }
}

/** The real global scope, except that each requestAnimationFrame callback is timed into `timed`. */
function timingScope(timed) {
  const bound = new Set([
    'addEventListener',
    'removeEventListener',
    'cancelAnimationFrame',
    'fetch',
    'setTimeout',
    'clearTimeout',
  ])
  return new Proxy(globalThis, {
    get(target, key) {
      if (key === 'requestAnimationFrame') {
        return (callback) =>
          requestAnimationFrame((t) => {
            const t0 = now()
            callback(t)
            const ms = now() - t0
            timed.ms += ms
            timed.calls++
            timed.samples.push(ms)
          })
      }
      const value = Reflect.get(target, key)
      return bound.has(key) ? value.bind(target) : value
    },
  })
}

globalThis.bench = {
  info() {
    return { crossOriginIsolated: globalThis.crossOriginIsolated === true, shapes: SHAPES }
  },

  /**
   * Animates the canvas for `frames` frames, with or without `monitorRealTimeMetrics()` running (used alone,
   * consent pending: it measures and summarises, and nothing is queued or sent). The monitor gets a scope whose
   * `requestAnimationFrame` times each of its frame callbacks, so its own per-frame cost is measured directly.
   * Returns the median frame interval, the median time of the app's draw callback and the monitor's mean.
   */
  async animate({ frames, monitor, before }) {
    const timed = { ms: 0, calls: 0, samples: [] }
    const perf = monitor
      ? new PerformanceAnalytics({ endpoint: '/v1/batch', summaryIntervalMs: 1_000, scope: timingScope(timed) })
      : undefined
    // Callbacks of a frame run in the order they were requested; the first request of a frame also schedules
    // the frame (tens of µs). `before`: monitoring starts before the app's loop, so its callback comes first.
    let stop = before ? perf?.monitorRealTimeMetrics() : undefined
    const intervals = []
    const drawMs = []
    const appRafMs = []
    await new Promise((resolve) => {
      let last
      let count = 0
      const frame = (t) => {
        if (last !== undefined) intervals.push(t - last)
        last = t
        const t0 = now()
        draw()
        drawMs.push(now() - t0)
        if (++count >= frames) resolve()
        else {
          const r0 = now()
          requestAnimationFrame(frame)
          appRafMs.push(now() - r0)
        }
      }
      requestAnimationFrame(frame)
      if (!before) stop = perf?.monitorRealTimeMetrics()
    })
    stop?.()
    await perf?.stop()
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
    return {
      frameMs: median(intervals),
      drawMs: median(drawMs),
      appRafUs: (appRafMs.reduce((a, b) => a + b, 0) * 1000) / appRafMs.length,
      monitorUs: timed.calls ? (timed.ms * 1000) / timed.calls : undefined,
      monitorFrames: timed.calls,
      monitorMedianUs: timed.calls ? median(timed.samples) * 1000 : undefined,
      monitorTopMs: [...timed.samples].sort((a, b) => b - a).slice(0, 5),
    }
  },

  /** The monitor's per-frame work (one frame-statistics update) called `count` times: µs per frame. */
  frameStatsCost({ count }) {
    const stats = createFrameStats({ minFps: 50, lowFpsMs: 5000 })
    let t = 0
    for (let i = 0; i < 10_000; i++) stats.add((t += 16.67))
    const t0 = now()
    for (let i = 0; i < count; i++) stats.add((t += 16 + (i & 3)))
    const us = ((now() - t0) * 1000) / count
    stats.take()
    return us
  },

  /** `recordLatency` in blocks: µs per call per block. */
  recordLatencyCost({ count, blockSize }) {
    const perf = new PerformanceAnalytics()
    const values = Float64Array.from({ length: blockSize }, (_, i) => 5 + ((i * 7919) % 400))
    for (let i = 0; i < blockSize; i++) perf.recordLatency(values[i])
    const perCallUs = []
    for (let start = 0; start < count; start += blockSize) {
      const t0 = now()
      for (let i = 0; i < blockSize; i++) perf.recordLatency(values[i])
      perCallUs.push(((now() - t0) * 1000) / blockSize)
    }
    const p95 = perf.analyzeCollaborationPerformance().latency?.p95
    return { perCallUs, p95 }
  },

  /** `count` empty sketches, kept (per-sketch size = heap growth ÷ count). */
  makeSketches({ count }) {
    globalThis.kept = Array.from({ length: count }, () => createQuantileSketch())
    return { memoryBytes: globalThis.kept[0].memoryBytes }
  },

  /** Adds `count` samples to the first kept sketch. */
  fillKept({ count }) {
    const sketch = globalThis.kept[0]
    for (let i = 0; i < count; i++) sketch.add(0.5 + ((i * 7919) % 100_000) / 100)
    return { count: sketch.count }
  },

  /** The same samples kept raw, for comparison. */
  fillArray({ count }) {
    const values = []
    for (let i = 0; i < count; i++) values.push(0.5 + ((i * 7919) % 100_000) / 100)
    globalThis.kept = values
    return { count: values.length }
  },

  drop() {
    globalThis.kept = undefined
  },
}

globalThis.benchReady = true

// The in-page half of analytics.bench.mjs: bundled by esbuild, served on 127.0.0.1, driven from Node.
import { AnalyticsEngine } from '@marco/analytics'
import { createRandom } from './lib/events.mjs'
import { pushBlocks } from './lib/pushBlocks.mjs'
import { pageInfo } from './lib/pageInfo.mjs'
import { resetTimerNesting } from './lib/resetTimerNesting.mjs'

const sent = { send: async () => ({ result: 'sent' }) }
const now = () => performance.now()

/**
 * An engine as an app uses it alone, consent given. The transport answers 'sent' at once (the benchmark
 * measures the SDK, not the network); the queue keeps its default IndexedDB storage.
 */
function createEngine() {
  return new AnalyticsEngine({
    endpoint: '/v1/batch',
    consent: { defaults: { analytics: 'granted' } },
    queueOptions: { transport: sent },
  })
}

/**
 * Starts the engine (context, queue, session, first page view), which a first tracking call would otherwise
 * do inside a measurement, and gives its queue time to open IndexedDB (a few ms) before anything is timed.
 */
async function started(engine) {
  engine.start()
  await new Promise((resolve) => setTimeout(resolve, 100))
}

/** A message-channel hop after each turn, as in queue.page.mjs: it resets the 4 ms timer-nesting clamp. */
const GESTURES = ['tap', 'double-tap', 'long-press', 'pan', 'pinch', 'rotate', 'swipe']
const TOOLS = ['pen', 'pencil', 'marker', 'eraser', 'highlighter']
const COLORS = ['#222', '#e03131', '#1971c2', '#2f9e44', '#f08c00']

/**
 * Each method's arguments, varied as a session's are (seeded), built before any timing, and the call that
 * makes one. `floor` is the harness alone: the same wrapper around a function that does nothing.
 */
const METHODS = {
  trackCanvasInteraction: {
    args: (random) => ['draw', -Math.log(1 - random()) * 16],
    call: (engine) => (a) => engine.trackCanvasInteraction(a[0], a[1]),
  },
  trackGestureUsage: {
    args: (random) => [GESTURES[Math.floor(random() * GESTURES.length)], random() < 0.9],
    call: (engine) => (a) => engine.trackGestureUsage(a[0], a[1]),
  },
  trackCollaborativeActions: {
    args: (random) => [1 + Math.floor(random() * 8), 20 + random() * 280],
    call: (engine) => (a) => engine.trackCollaborativeActions(a[0], a[1]),
  },
  trackPerformanceMetrics: {
    args: (random) => [50 + random() * 11, 40 + random() * 200],
    call: (engine) => (a) => engine.trackPerformanceMetrics(a[0], a[1]),
  },
  track: {
    args: (random) => [
      'stroke',
      {
        tool: TOOLS[Math.floor(random() * TOOLS.length)],
        color: COLORS[Math.floor(random() * COLORS.length)],
        width: 1 + Math.floor(random() * 8),
        points: 5 + Math.floor(random() * 400),
        pressure: Math.round(random() * 1000) / 1000,
      },
    ],
    call: (engine) => (a) => engine.track(a[0], a[1]),
  },
  page: {
    // A single-page app's navigations: what `startPageViews` hands to `page()`.
    args: (random) => [undefined, undefined, `${location.origin}/board/${Math.floor(random() * 500)}?tab=layers`],
    call: (engine) => (a) => engine.page(a[0], a[1], a[2]),
  },
  floor: {
    args: (random) => ['draw', random()],
    call: () => {
      const noop = () => {}
      return (a) => noop(a[0], a[1])
    },
  },
}

let current

// ── Frame-time overhead ───────────────────────────────────────────────────────────────────────────────────

const WIDTH = 800
const HEIGHT = 600
const PALETTE = Array.from({ length: 64 }, (_, i) => `hsl(${(i * 360) / 64} 70% ${40 + (i % 4) * 8}%)`)

/** `shapes` rectangles and circles in moving positions and varying colours: one frame of a busy canvas. */
function drawScene(ctx, shapes, frame) {
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, WIDTH, HEIGHT)
  for (let i = 0; i < shapes; i++) {
    const x = (i * 37 + frame * 3) % WIDTH
    const y = (i * 53 + ((frame * 2 * (i % 5)) >> 1)) % HEIGHT
    const size = 4 + (i % 16)
    ctx.fillStyle = PALETTE[(i * 7 + frame) & 63]
    if (i & 1) {
      ctx.beginPath()
      ctx.arc(x, y, size / 2, 0, Math.PI * 2)
      ctx.fill()
    } else {
      ctx.fillRect(x, y, size, size)
    }
  }
}

globalThis.bench = {
  info: pageInfo,

  /** A fresh engine, started, and the arguments of `warmUp + count` calls. */
  async prepareCalls({ method, count, warmUp }) {
    const random = createRandom(42)
    const { args, call } = METHODS[method]
    const engine = method === 'floor' ? undefined : createEngine()
    if (engine) await started(engine)
    current = {
      engine,
      call: call(engine),
      warm: Array.from({ length: warmUp }, () => args(random)),
      calls: Array.from({ length: count }, () => args(random)),
    }
  },

  /** Warm-up calls (compiled hot), then the measured blocks, each followed by a turn where deferred work runs. */
  async runCalls({ blockSize }) {
    const { engine, call, warm, calls } = current
    const sink = { push: call }
    await pushBlocks({ sink, events: warm, blockSize, now, afterTurn: resetTimerNesting })
    const { pushMs, turnMs } = await pushBlocks({ sink, events: calls, blockSize, now, afterTurn: resetTimerNesting })
    await engine?.stop()
    current = undefined
    return { callMs: pushMs, turnMs }
  },

  /**
   * Animates a canvas for `warmUpSeconds` (not recorded) then `seconds`, drawing `shapes` per frame. With
   * the SDK, each frame also makes the `trackCanvasInteraction` calls due at `callsPerSecond` since the
   * last frame, so the rate holds whatever the frame rate. Records per frame the script time of the rAF
   * callback (draw + tracking), the tracking part alone (without the SDK: the same two clock reads with
   * nothing between, the floor of that measurement), and the interval between rAF timestamps.
   */
  async frames({ withSdk, seconds, warmUpSeconds, callsPerSecond, shapes }) {
    const canvas = document.createElement('canvas')
    canvas.width = WIDTH
    canvas.height = HEIGHT
    document.body.style.margin = '0'
    document.body.replaceChildren(canvas)
    const ctx = canvas.getContext('2d')
    const engine = withSdk ? createEngine() : undefined
    if (engine) await started(engine)
    const random = createRandom(7)
    const durations = Float64Array.from({ length: 4096 }, () => -Math.log(1 - random()) * 16)
    const scriptMs = []
    const trackMs = []
    const intervalMs = []
    let calls = 0
    let next = 0
    let due = 0
    let frame = 0
    let totalFrames = 0
    let lastTs
    let lastCallTime
    let recordFrom
    let endAt
    await new Promise((resolve) => {
      const onFrame = (ts) => {
        const t0 = performance.now()
        drawScene(ctx, shapes, frame++)
        const t1 = performance.now()
        let made = 0
        if (engine) {
          due += ((t0 - (lastCallTime ?? t0)) * callsPerSecond) / 1000
          lastCallTime = t0
          for (; due >= 1; due--, made++) engine.trackCanvasInteraction('draw', durations[next++ & 4095])
        }
        const t2 = performance.now()
        if (recordFrom === undefined) {
          recordFrom = t0 + warmUpSeconds * 1000
          endAt = recordFrom + seconds * 1000
        } else if (t0 >= recordFrom) {
          scriptMs.push(t2 - t0)
          trackMs.push(t2 - t1)
          intervalMs.push(ts - lastTs)
          calls += made
        }
        lastTs = ts
        totalFrames++
        if (t0 < endAt) requestAnimationFrame(onFrame)
        else resolve()
      }
      requestAnimationFrame(onFrame)
    })
    await engine?.stop()
    return { scriptMs, trackMs, intervalMs, calls, totalFrames }
  },
}

globalThis.benchReady = true

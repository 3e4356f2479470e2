// The in-page half of frame.bench.mjs: a busy canvas drawn every frame, with track() calls at a steady rate
// inside the frame loop, through Marco (persistence on or off) or Datadog browser-logs, all sending to the
// page's own origin under a path that names the run (`/in/<tag>/…`), so late requests are never counted for
// another run. Bundled by esbuild from the built packages, driven from Node.
import { AnalyticsEngine } from '@marco/analytics'
import { createMarcoClient } from '@marco/runtime'

/**
 * Sets an SDK up as a new user would; returns `track(seq, x, y)` and `flush()`. Datadog is imported only for its
 * own rows: importing `@datadog/browser-logs` already wraps `fetch`, XHR, `console` and `onerror` (it buffers
 * what happens before `init()`), so a static import would put its wrapper under every other row's requests.
 */
async function setUp(sdk, tag, posts) {
  const base = `${location.origin}/in/${encodeURIComponent(tag)}`
  if (sdk === 'posts') {
    // No SDK: the page POSTs a 2.7 KB body `posts` times a second (answered like a batch; nothing is counted).
    const body = JSON.stringify({ events: [], pad: 'x'.repeat(2_700) })
    setInterval(() => void fetch(`${base}/v1/batch`, { method: 'POST', body, credentials: 'omit' }), 1000 / posts)
  }
  if (sdk === 'marco' || sdk === 'marco-memory') {
    const analytics = new AnalyticsEngine()
    const client = createMarcoClient({
      endpoint: `${base}/v1/batch`,
      features: [analytics],
      consent: { defaults: { analytics: 'granted' } },
      // Persistence on is the default: the first row passes no queue option at all.
      ...(sdk === 'marco-memory' ? { queue: { storage: false } } : {}),
    }).start()
    return { track: (seq, x, y) => analytics.track('canvas_pointer', { x, y, seq }), flush: () => client.flush() }
  }
  if (sdk === 'datadog') {
    const { datadogLogs } = await import('@datadog/browser-logs')
    datadogLogs.init({
      clientToken: 'pub0123456789abcdef0123456789abcdef',
      site: 'datadoghq.com',
      // Every request goes to the local server (`?ddforward=…` is appended to this URL).
      proxy: `${base}/dd`,
      forwardErrorsToLogs: false,
      sessionSampleRate: 100,
      telemetrySampleRate: 0,
    })
    // No public flush: its batches go at 50 messages, after 30 s, or when the page is hidden or left.
    return { track: (seq, x, y) => datadogLogs.logger.info('canvas_pointer', { x, y, seq }), flush: async () => {} }
  }
  return { track: () => {}, flush: async () => {} }
}

let sdkInstance = { track: () => {}, flush: async () => {} }

/**
 * Main-thread milliseconds spent inside the SDK's own entry points (`--deferred`): its `track()` calls, and the
 * callbacks it gives `queueMicrotask`, `setTimeout` and `setInterval` (its deferred work: ingesting, writing,
 * batching, sending). Promise continuations and event listeners are not counted: a floor, the same for every SDK.
 */
const spent = { track: 0, microtasks: 0, timers: 0 }
function instrument() {
  const timed = (key, callback) =>
    function (...args) {
      const start = performance.now()
      try {
        return callback.apply(this, args)
      } finally {
        spent[key] += performance.now() - start
      }
    }
  const { queueMicrotask: microtask, setTimeout: timeout, setInterval: interval } = globalThis
  const timer =
    (schedule) =>
    (callback, ...rest) =>
      schedule(typeof callback === 'function' ? timed('timers', callback) : callback, ...rest)
  globalThis.queueMicrotask = (callback) => microtask(timed('microtasks', callback))
  globalThis.setTimeout = timer(timeout)
  globalThis.setInterval = timer(interval)
  return (instance) => ({ ...instance, track: timed('track', instance.track) })
}
let loop = { running: false, frames: 0, calls: 0, lastFrameAt: 0 }

/** Adds an 800×600 canvas; the returned function draws `shapes` rectangles (the app's own work per frame). */
function drawer(shapes) {
  const canvas = document.createElement('canvas')
  canvas.width = 800
  canvas.height = 600
  document.body.append(canvas)
  const context = canvas.getContext('2d')
  return (t) => {
    context.clearRect(0, 0, 800, 600)
    for (let i = 0; i < shapes; i++) {
      context.fillStyle = i % 2 ? '#1971c2' : '#e03131'
      context.fillRect((i * 37 + t / 10) % 780, (i * 53) % 580, 20, 20)
    }
  }
}

globalThis.bench = {
  /** Sets the SDK up and lets it settle (IndexedDB open, first timers), outside any measurement. */
  async prepare({ sdk, tag, posts, deferred }) {
    // Instrumented before the SDK is set up (or imported), so it schedules through the timed functions.
    const timeTrack = deferred ? instrument() : (instance) => instance
    sdkInstance = timeTrack(await setUp(sdk, tag, posts))
    await new Promise((resolve) => setTimeout(resolve, 300))
  },
  /**
   * Starts the frame loop: each frame draws the canvas, then makes the track() calls that are due by its
   * timestamp (`rate` a second), so the rate holds whatever the frame rate. Runs until `stop()`.
   */
  start({ rate, shapes }) {
    const draw = drawer(shapes)
    const state = (loop = { running: true, frames: 0, calls: 0, lastFrameAt: 0 })
    let first
    const frame = (now) => {
      if (!state.running) return
      first ??= now
      draw(now)
      const due = Math.floor(((now - first) / 1000) * rate)
      for (; state.calls < due; state.calls++) sdkInstance.track(state.calls, state.calls % 800, state.calls % 600)
      state.frames++
      state.lastFrameAt = now
      requestAnimationFrame(frame)
    }
    requestAnimationFrame(frame)
  },
  /**
   * Frames and calls so far, and the timestamp of the last frame: two samples give the mean frame time between them.
   */
  sample: () => ({ frames: loop.frames, calls: loop.calls, lastFrameAt: loop.lastFrameAt, spent: { ...spent } }),
  stop() {
    loop.running = false
    return globalThis.bench.sample()
  },
  /** `count` track() calls in one go, numbered from `from`. */
  calls({ from = 0, count }) {
    for (let i = from; i < from + count; i++) sdkInstance.track(i, i % 800, i % 600)
  },
  flush: () => sdkInstance.flush(),
}
globalThis.benchReady = true

// The in-page half of frame.bench.mjs: a busy canvas drawn every frame, with track() calls at a steady rate
// inside the frame loop, through Marco (persistence on or off) or Datadog browser-logs, both sending to the
// page's own origin. Bundled by esbuild from the built packages, driven from Node.
import { datadogLogs } from '@datadog/browser-logs'
import { AnalyticsEngine } from '@marco/analytics'
import { createMarcoClient } from '@marco/runtime'

/** Sets an SDK up as a new user would; returns `track(seq, x, y)` and a way to flush it. */
function setUp(sdk) {
  if (sdk === 'marco' || sdk === 'marco-memory') {
    const analytics = new AnalyticsEngine({ autoPageViews: false })
    const client = createMarcoClient({
      endpoint: `${location.origin}/v1/batch`,
      features: [analytics],
      consent: { defaults: { analytics: 'granted' } },
      queue: sdk === 'marco' ? {} : { storage: false },
    }).start()
    return { track: (seq, x, y) => analytics.track('canvas_pointer', { x, y, seq }), flush: () => client.flush() }
  }
  if (sdk === 'datadog') {
    datadogLogs.init({
      clientToken: 'pub0123456789abcdef0123456789abcdef',
      site: 'datadoghq.com',
      proxy: `${location.origin}/dd`,
      forwardErrorsToLogs: false,
      sessionSampleRate: 100,
      telemetrySampleRate: 0,
    })
    return { track: (seq, x, y) => datadogLogs.logger.info('canvas_pointer', { x, y, seq }), flush: async () => {} }
  }
  return { track: () => {}, flush: async () => {} }
}

let sdkInstance

/** Draws `shapes` rectangles (the app's own work in every frame). */
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
  /** Frames for `seconds` after `warmUpSeconds`, calling track() `rate` times a second; mean frame time. */
  frames({ sdk, rate, seconds, warmUpSeconds, shapes }) {
    sdkInstance ??= setUp(sdk)
    const draw = drawer(shapes)
    return new Promise((resolve) => {
      const start = performance.now()
      let measuredFrom = 0
      let frames = 0
      let calls = 0
      let last = start
      const frame = (now) => {
        draw(now)
        // Steady rate: as many calls as are due by now, spread over the frames as they come.
        const due = Math.floor(((now - start) / 1000) * rate)
        for (; calls < due; calls++) sdkInstance.track(calls, calls % 800, calls % 600)
        const elapsed = (now - start) / 1000
        if (elapsed >= warmUpSeconds) {
          if (!measuredFrom) measuredFrom = now
          else frames++
        }
        last = now
        if (elapsed < warmUpSeconds + seconds) requestAnimationFrame(frame)
        else resolve({ frames, meanFrameMs: (last - measuredFrom) / frames, calls })
      }
      requestAnimationFrame(frame)
    })
  },
  /** Sets the SDK up and lets it settle (IndexedDB open, first requests), outside any measurement. */
  async prepare({ sdk }) {
    sdkInstance = setUp(sdk)
    await new Promise((resolve) => setTimeout(resolve, 300))
  },
  /** `count` track() calls in one go. */
  calls({ count }) {
    for (let i = 0; i < count; i++) sdkInstance.track(i, i % 800, i % 600)
  },
  flush: () => sdkInstance.flush(),
}
globalThis.benchReady = true

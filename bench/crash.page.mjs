// The in-page half of crash.bench.mjs: bundled by esbuild (the built @marco/crash-reporter), served on
// 127.0.0.1, driven from Node.
import { CrashReporter } from '@marco/crash-reporter'

const now = () => performance.now()
let current

/** A transport that answers 'sent' at once and counts what it was given. */
function createCountingTransport(counts) {
  return {
    send: async (batch) => {
      counts.requests++
      counts.events += batch.events.length
      for (const event of batch.events) counts.occurrences += event.payload.count ?? 0
      return { result: 'sent' }
    },
  }
}

/** `dedupe: false` sends every capture (the full path); `true` is the default dedupe and rate limits. */
function createReporter({ dedupe, counts }) {
  return new CrashReporter({
    consent: { defaults: { crash: 'granted' } },
    queueOptions: { storage: false, transport: createCountingTransport(counts), flushIntervalMs: 1000 },
    ...(dedupe ? {} : { dedupeWindowMs: 0, maxEventsPerMinute: Infinity }),
  })
}

/** Errors made at one place, as a render loop makes them: one fingerprint, messages differing in a number. */
function createErrors(count) {
  const errors = []
  for (let i = 0; i < count; i++) errors.push(new Error(`stroke ${i} failed`))
  return errors
}

globalThis.bench = {
  info() {
    return { crossOriginIsolated: globalThis.crossOriginIsolated === true }
  },

  /** Median µs per captureException over blocks, after a warm-up block. */
  async captureCost({ dedupe, count, blockSize }) {
    const counts = { requests: 0, events: 0, occurrences: 0 }
    const reporter = createReporter({ dedupe, counts })
    const stop = reporter.start()
    const errors = createErrors(count)
    for (const error of errors.slice(0, blockSize)) reporter.captureException(error)
    const perCallUs = []
    for (let start = 0; start < count; start += blockSize) {
      const t0 = now()
      for (let i = start; i < start + blockSize; i++) reporter.captureException(errors[i])
      perCallUs.push(((now() - t0) * 1000) / blockSize)
      await new Promise((resolve) => setTimeout(resolve, 0))
    }
    await reporter.flush()
    stop()
    return { perCallUs, counts }
  },

  /** Creates the reporter (or not) before the heap is first measured. */
  prepareStorm({ withReporter }) {
    const counts = { requests: 0, events: 0, occurrences: 0 }
    const reporter = withReporter ? createReporter({ dedupe: true, counts }) : undefined
    current = { counts, reporter, stop: reporter?.start() }
  },

  /**
   * Throws `errors` identical uncaught errors from requestAnimationFrame callbacks, `perFrame` per frame.
   * Per frame: the time from the frame's first callback to its last (the work), and the frame interval.
   */
  async runStorm({ errors, perFrame }) {
    // Canceling keeps the 10,000 errors out of the console (and the benchmark's log), with or without the
    // reporter; the reporter's own listener still sees each one.
    const quiet = (event) => event.preventDefault()
    addEventListener('error', quiet)
    const frames = []
    let thrown = 0
    await new Promise((resolve) => {
      const schedule = () => {
        let start = 0
        requestAnimationFrame(() => (start = now()))
        for (let i = 0; i < perFrame && thrown < errors; i++, thrown++) {
          requestAnimationFrame(function renderLoop() {
            throw new Error('render loop failed')
          })
        }
        requestAnimationFrame((time) => {
          frames.push({ workMs: now() - start, time })
          if (thrown >= errors) resolve()
          else schedule()
        })
      }
      schedule()
    })
    removeEventListener('error', quiet)
    await current.reporter?.flush()
    return { frames, counts: current.counts }
  },

  finishStorm() {
    current.stop?.()
    current = undefined
  },
}

globalThis.benchReady = true

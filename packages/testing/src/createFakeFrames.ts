/**
 * A fake `requestAnimationFrame` / `cancelAnimationFrame` pair: `frames(count, ms)` runs `count` frames spaced
 * `ms` apart (each frame runs the callbacks requested before it); `pending()` counts the callbacks waiting.
 *
 * @example
 * const raf = createFakeRaf()
 * const scope = createFakeScope({ overrides: { ...raf } })
 * raf.frames(60, 16.7)
 */
export function createFakeRaf() {
  let callbacks = new Map<number, (t: number) => void>()
  let next = 1
  let now = 1000
  return {
    requestAnimationFrame: (callback: (t: number) => void) => (callbacks.set(next, callback), next++),
    cancelAnimationFrame: (handle: number) => void callbacks.delete(handle),
    pending: () => callbacks.size,
    frames(count: number, ms: number) {
      for (let i = 0; i < count; i++) {
        now += ms
        const run = callbacks
        callbacks = new Map()
        for (const callback of run.values()) callback(now)
      }
    },
  }
}

/**
 * A fake `PerformanceObserver` supporting the given entry types: `emit(type, entries)` delivers entries to the
 * observers of that type; `observing()` lists the types observed now.
 *
 * @example
 * const observer = createFakeObserver(['longtask'])
 * observer.emit('longtask', [{ duration: 120, startTime: 5 }])
 */
export function createFakeObserver(supported: string[]) {
  const observers = new Set<{ type?: string; callback: (list: { getEntries(): unknown[] }) => void }>()
  class FakeObserver {
    static supportedEntryTypes = supported
    type?: string
    constructor(public callback: (list: { getEntries(): unknown[] }) => void) {}
    observe({ type }: { type: string }) {
      this.type = type
      observers.add(this)
    }
    disconnect() {
      observers.delete(this)
    }
  }
  return {
    PerformanceObserver: FakeObserver,
    emit: (type: string, entries: unknown[]) =>
      observers.forEach((o) => o.type === type && o.callback({ getEntries: () => entries })),
    observing: () => [...observers].map((o) => o.type),
  }
}

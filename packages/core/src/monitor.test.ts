import { describe, expect, it, vi } from 'vitest'
import { createMonitor, listen, startInterval, startTimeout } from './monitor'

describe('createMonitor', () => {
  it('returns the result of a call that succeeds', () => {
    const monitor = createMonitor()
    expect(monitor.call((a: number, b: number) => a + b, 2, 3)).toBe(5)
  })

  it('reports an error thrown inside call and returns undefined instead of throwing', () => {
    const errors: unknown[] = []
    const monitor = createMonitor({ onError: (error) => errors.push(error) })
    expect(monitor.call(() => JSON.parse('{'))).toBeUndefined()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(SyntaxError)
  })

  it('wraps a function so it keeps `this` and arguments and never throws', () => {
    const errors: unknown[] = []
    const monitor = createMonitor({ onError: (error) => errors.push(error) })
    const target = {
      factor: 3,
      times: monitor.wrap(function (this: { factor: number }, n: number) {
        return this.factor * n
      }),
      fail: monitor.wrap(() => {
        throw new Error('boom')
      }),
    }
    expect(target.times(2)).toBe(6)
    expect(target.fail()).toBeUndefined()
    expect((errors[0] as Error).message).toBe('boom')
  })

  it('survives an onError callback that throws, without recursing', () => {
    let calls = 0
    const monitor = createMonitor({
      onError: () => {
        calls++
        throw new Error('listener broke')
      },
    })
    expect(() => monitor.report(new Error('first'))).not.toThrow()
    expect(
      monitor.call(() => {
        throw new Error('second')
      }),
    ).toBeUndefined()
    expect(calls).toBe(2)
  })

  it('writes internal errors to console.warn only in debug mode', () => {
    const warn = vi.fn()
    const scope = { console: { warn } as unknown as Console }
    createMonitor({ scope }).report(new Error('quiet'))
    expect(warn).not.toHaveBeenCalled()
    createMonitor({ scope, debug: true }).report(new Error('loud'))
    expect(warn).toHaveBeenCalledTimes(1)
  })
})

describe('listen', () => {
  it('routes a throwing handler through the monitor and removes the listener once', () => {
    const errors: unknown[] = []
    const monitor = createMonitor({ onError: (error) => errors.push(error) })
    const target = new EventTarget()
    const seen: string[] = []
    const stop = listen<Event>(monitor, target, 'ping', (event) => {
      seen.push(event.type)
      throw new Error('handler broke')
    })
    expect(() => target.dispatchEvent(new Event('ping'))).not.toThrow()
    expect(seen).toEqual(['ping'])
    expect(errors).toHaveLength(1)
    stop()
    stop()
    target.dispatchEvent(new Event('ping'))
    expect(seen).toEqual(['ping'])
  })

  it('is a no-op on a missing target', () => {
    const stop = listen(createMonitor(), undefined, 'ping', () => {})
    expect(() => stop()).not.toThrow()
  })
})

describe('timers', () => {
  it('runs timeouts and intervals inside the monitor and cancels them', () => {
    vi.useFakeTimers()
    try {
      const errors: unknown[] = []
      const monitor = createMonitor({ onError: (error) => errors.push(error) })
      let ticks = 0
      startTimeout(
        monitor,
        () => {
          throw new Error('timeout broke')
        },
        100,
      )
      const stop = startInterval(monitor, () => ticks++, 50)
      vi.advanceTimersByTime(120)
      expect(errors).toHaveLength(1)
      expect(ticks).toBe(2)
      stop()
      const cancel = startTimeout(monitor, () => ticks++, 10)
      cancel()
      vi.advanceTimersByTime(200)
      expect(ticks).toBe(2)
    } finally {
      vi.useRealTimers()
    }
  })
})

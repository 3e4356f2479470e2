import { describe, expect, it } from 'vitest'
import { createFrameStats } from './createFrameStats'

/** A fake requestAnimationFrame clock: feeds the stats frame timestamps spaced as given. */
function play(stats: ReturnType<typeof createFrameStats>, frameTimesMs: number[], start = 1000): number {
  let t = start
  stats.add(t)
  for (const ms of frameTimesMs) stats.add((t += ms))
  return t
}
const repeat = (ms: number, count: number): number[] => Array.from({ length: count }, () => ms)

describe('createFrameStats', () => {
  it('reports 60 fps and no dropped or janky frame for a steady 60 Hz display', () => {
    const stats = createFrameStats()
    play(stats, repeat(1000 / 60, 600))
    const summary = stats.take()!
    expect(summary.frames).toBe(600)
    expect(summary.fps).toBe(60)
    expect(summary.dropped).toBe(0)
    expect(summary.janky).toBe(0)
    expect(summary.p50).toBeCloseTo(16.67, 0)
    expect(summary.p99).toBeCloseTo(16.67, 0)
    expect(summary.hist).toEqual([0, 600, 0, 0, 0, 0, 0])
  })

  it('counts the refreshes a long frame missed as dropped, and a frame over 50 ms as janky', () => {
    const stats = createFrameStats()
    play(stats, [...repeat(1000 / 60, 100), 100, ...repeat(1000 / 60, 99)])
    const summary = stats.take()!
    expect(summary.frames).toBe(200)
    // 100 ms at 60 Hz is six refreshes: one frame shown, five missed.
    expect(summary.dropped).toBe(5)
    expect(summary.janky).toBe(1)
    expect(summary.max).toBe(100)
    expect(summary.p99).toBeCloseTo(16.67, 0)
    expect(summary.fps).toBeCloseTo((200 * 1000) / (199 * (1000 / 60) + 100), 1)
  })

  it('estimates the refresh interval of a 120 Hz display from its frames', () => {
    const stats = createFrameStats()
    play(stats, [...repeat(1000 / 120, 50), 1000 / 60, ...repeat(1000 / 120, 49)])
    expect(stats.take()!.dropped).toBe(1)
  })

  it('does not take the time the page was hidden for a frame', () => {
    const stats = createFrameStats()
    const t = play(stats, repeat(1000 / 60, 60))
    stats.pause()
    play(stats, repeat(1000 / 60, 60), t + 30_000)
    const summary = stats.take()!
    expect(summary.frames).toBe(120)
    expect(summary.max).toBeCloseTo(16.67, 1)
    expect(summary.fps).toBe(60)
  })

  it('starts a new window after take, and has no summary without frames', () => {
    const stats = createFrameStats()
    expect(stats.take()).toBeUndefined()
    const t = play(stats, repeat(20, 10))
    expect(stats.take()!.frames).toBe(10)
    expect(stats.take()).toBeUndefined()
    stats.add(t + 20)
    expect(stats.take()!.frames).toBe(1)
  })

  it('calls onLowFps once when the rate stays under minFps for lowFpsMs, and again after a recovery', () => {
    const low: number[] = []
    const stats = createFrameStats({ minFps: 50, lowFpsMs: 5000, onLowFps: (fps) => low.push(fps) })
    // 4.5 s at 40 fps: not yet five seconds.
    let t = play(stats, repeat(25, 180))
    expect(low).toEqual([])
    // Five and more seconds: one call, at the measured rate.
    t = play(stats, repeat(25, 200), t + 25)
    expect(low).toHaveLength(1)
    expect(low[0]).toBeCloseTo(40, 0)
    // Recovered to 60 fps, then low again for six seconds: a second call.
    t = play(stats, repeat(1000 / 60, 120), t + 16)
    play(stats, repeat(30, 200), t + 30)
    expect(low).toHaveLength(2)
    // The first low one-second window still holds a few 60 fps frames.
    expect(low[1]).toBeGreaterThan(33)
    expect(low[1]).toBeLessThan(40)
  })

  it('does not call onLowFps when a dip is shorter than lowFpsMs', () => {
    const low: number[] = []
    const stats = createFrameStats({ minFps: 50, lowFpsMs: 5000, onLowFps: (fps) => low.push(fps) })
    let t = 0
    for (let i = 0; i < 5; i++) {
      t = play(stats, repeat(25, 120), t + 25) // 3 s at 40 fps
      t = play(stats, repeat(1000 / 60, 120), t + 16) // 2 s at 60 fps
    }
    expect(low).toEqual([])
  })
})

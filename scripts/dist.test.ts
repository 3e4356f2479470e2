import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname

describe('the built packages', () => {
  it('deliver events end to end from dist: EventQueue, AnalyticsEngine and CrashReporter', () => {
    const out = execFileSync(process.execPath, ['scripts/dist-smoke.mjs'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    })
    const { events } = JSON.parse(out.trim().split('\n').pop()!) as {
      events: { type: string; category: string; payload: any }[]
    }
    expect(events.map((event) => event.type)).toEqual(['ping', 'session_start', 'track', 'canvas_summary', 'exception'])
    expect(events[2]!.payload).toMatchObject({ name: 'export', properties: { format: 'svg' } })
    expect(events[3]!.payload.canvas.draw.count).toBe(1)
    expect(events[4]!.payload.exceptions[0]).toMatchObject({ type: 'TypeError', message: 'dist smoke' })
  })
})

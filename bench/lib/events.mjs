import { createId } from '@marco/core'

/** A realistic analytics event: six wire fields, a ten-field payload (a drawing app's stroke). */
export function createStrokeEvent(ts = Date.now()) {
  return {
    id: createId(),
    type: 'track',
    category: 'analytics',
    ts,
    sessionId: 's',
    payload: {
      name: 'stroke',
      tool: 'pen',
      width: 2,
      color: '#222',
      points: 48,
      durationMs: 312,
      pressure: 0.7,
      layer: 3,
      zoom: 1.25,
      pan: false,
    },
  }
}

/**
 * The same shape with values that vary as a real session's do (timestamps spread over time, a real session
 * id, measured numbers), so compressed sizes are not flattered by 100 identical payloads.
 */
export function createVariedStrokeEvent(index, random = Math.random, startMs = Date.now()) {
  const tools = ['pen', 'pencil', 'marker', 'eraser', 'highlighter']
  const colors = ['#222', '#e03131', '#1971c2', '#2f9e44', '#f08c00', '#ffffff']
  return {
    id: createId(),
    type: 'track',
    category: 'analytics',
    ts: startMs + index * 850 + Math.floor(random() * 400),
    sessionId: 'b6f1c2d0-5e3a-4c7b-9f21-8d4e6a0c3b19',
    payload: {
      name: 'stroke',
      tool: tools[Math.floor(random() * tools.length)],
      width: 1 + Math.floor(random() * 8),
      color: colors[Math.floor(random() * colors.length)],
      points: 5 + Math.floor(random() * 400),
      durationMs: 40 + Math.floor(random() * 2000),
      pressure: Math.round(random() * 1000) / 1000,
      layer: Math.floor(random() * 12),
      zoom: Math.round((0.25 + random() * 3.75) * 100) / 100,
      pan: random() < 0.1,
    },
  }
}

/** A seeded uniform [0, 1) generator (mulberry32), so every run measures the same varied values. */
export function createRandom(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

import { describe, expect, it } from 'vitest'
import { createClock } from './clock'
import { createId } from './createId'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('createId', () => {
  it('makes v4 UUIDs with crypto.randomUUID', () => {
    expect(createId()).toMatch(UUID_V4)
  })

  it('builds v4 UUIDs from getRandomValues where randomUUID is missing (insecure contexts)', () => {
    const crypto = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) } as Crypto
    const ids = new Set(Array.from({ length: 10_000 }, () => createId({ crypto })))
    expect(ids.size).toBe(10_000)
    for (const id of ids) expect(id).toMatch(UUID_V4)
  })

  it('still returns distinct ids with no crypto at all, never Math.random', () => {
    const a = createId({})
    const b = createId({})
    expect(a).not.toBe(b)
  })
})

describe('createClock', () => {
  it('gives epoch milliseconds and a monotonic clock, falling back to Date without performance', () => {
    const clock = createClock()
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(1000)
    const first = clock.monotonic()
    expect(clock.monotonic()).toBeGreaterThanOrEqual(first)
    expect(Math.abs(createClock({}).monotonic() - Date.now())).toBeLessThan(1000)
  })
})

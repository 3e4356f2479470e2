import { describe, expect, it } from 'vitest'
import { countBatchEvents } from './countBatchEvents'

describe('countBatchEvents', () => {
  it('counts the events of a batch as JSON.parse would, whatever their strings hold', () => {
    const bodies = [
      { v: 1, events: [] },
      { v: 1, events: [{}] },
      { events: [{ id: 'a,b]', payload: { list: [1, 2, [3, 4]], text: 'say "hi", \\ then ] and }' } }, 7, 'x', null, [1, 2]], v: 1 },
      { sdk: { events: [1, 2, 3] }, dropped: [{ events: 1 }], events: [true, false] },
      { 'events\\': [1, 2], events: [1] },
    ]
    for (const body of bodies) {
      const text = JSON.stringify(body, null, body.v ? 0 : 2)
      expect(countBatchEvents(text, 1000), text).toBe(body.events.length)
    }
  })

  it('stops past the limit and finds nothing in a body without a top-level events array', () => {
    expect(countBatchEvents(`{"events":[${'{},'.repeat(330_000)}{}]}`, 1000)).toBe(1001)
    expect(countBatchEvents(`{"events":[${'{},'.repeat(999)}{}]}`, 1000)).toBe(1000)
    expect(countBatchEvents('{"v":1}', 1000)).toBeUndefined()
    expect(countBatchEvents('[{"events":[1,2]}]', 1000)).toBeUndefined()
    expect(countBatchEvents('{"events":"[1,2]"}', 1000)).toBeUndefined()
    expect(countBatchEvents('{"events":[1,2', 1000)).toBeUndefined()
  })
})

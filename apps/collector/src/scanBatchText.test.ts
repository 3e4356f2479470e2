import { describe, expect, it } from 'vitest'
import { findTooDeep } from './findTooDeep'
import { scanBatchText } from './scanBatchText'

describe('scanBatchText', () => {
  it('counts the events and measures the depth of a batch as the parsed value has them, whatever its strings hold', () => {
    const bodies = [
      { v: 1, events: [] },
      { v: 1, events: [{}] },
      {
        events: [
          { id: 'a,b]', payload: { list: [1, 2, [3, 4]], text: 'say "hi", \\ then ] and }' } },
          7,
          'x',
          null,
          [1, 2],
        ],
        v: 1,
      },
      {
        sdk: { events: [1, 2, 3] },
        dropped: [{ events: 1 }],
        events: [true, false],
        context: { a: { b: { c: [[{}]] } } },
      },
      { 'events\\': [1, 2], events: [1] },
    ]
    for (const body of bodies) {
      for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2)]) {
        const scan = scanBatchText(text, 1000)
        expect(scan.events, text).toBe(body.events.length)
        // The depth agrees with a walk over the parsed value.
        expect(findTooDeep(body, scan.depth), text).toBeUndefined()
        expect(findTooDeep(body, scan.depth - 1), text).toBeDefined()
      }
    }
  })

  it('stops past the limit and finds no events array in a body without a top-level one', () => {
    expect(scanBatchText(`{"events":[${'{},'.repeat(330_000)}{}]}`, 1000).events).toBe(1001)
    expect(scanBatchText(`{"events":[${'{},'.repeat(999)}{}]}`, 1000).events).toBe(1000)
    expect(scanBatchText('{"v":1}', 1000)).toEqual({ events: undefined, depth: 1 })
    expect(scanBatchText('[{"events":[1,2]}]', 1000).events).toBeUndefined()
    expect(scanBatchText('{"events":"[1,2]"}', 1000)).toEqual({ events: undefined, depth: 1 })
    expect(scanBatchText(`{"events":[{"p":${'['.repeat(5000)}${']'.repeat(5000)}}]}`, 1000)).toEqual({
      events: 1,
      depth: 5003,
    })
  })
})

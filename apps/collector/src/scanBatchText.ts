/** What one pass over a batch body's JSON text finds. */
export interface BatchTextScan {
  /**
   * Elements of the top-level `"events"` array (`stopAfter + 1` once past `stopAfter`, where the scan stops), or
   * `undefined` when there is no such array (a malformed body, or a key spelled with escapes).
   */
  events: number | undefined
  /** The deepest nesting of arrays and objects (the body itself is level 1), as far as the scan went. */
  depth: number
}

/**
 * Reads a batch body's JSON text once, without parsing it: counts the elements of its top-level `"events"`
 * array and measures how deep it nests (strings and their escapes skipped). Building 330,000 objects only to
 * refuse them costs far more than this pass, and a batch that passes it needs no walk over its parsed objects.
 *
 * @example
 * scanBatchText('{"v":1,"events":[{"id":"a,b"},{}]}', 1000) // { events: 2, depth: 3 }
 * scanBatchText(`{"events":[${'{},'.repeat(5000)}{}]}`, 1000).events // 1001
 */
export function scanBatchText(text: string, stopAfter: number): BatchTextScan {
  const length = text.length
  let depth = 0
  let deepest = 0
  let key: string | undefined
  let afterEventsKey = false
  let inEvents = false
  let events: number | undefined
  let commas = 0
  let hasElement = false
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22 /* " */) {
      const start = ++i
      while (i < length) {
        const d = text.charCodeAt(i)
        if (d === 0x5c /* \ */) i += 2
        else if (d === 0x22) break
        else i++
      }
      if (depth === 1) {
        afterEventsKey = false
        key = text.slice(start, i)
      } else if (inEvents && depth === 2) hasElement = true
      continue
    }
    if (c <= 0x20) continue
    if (inEvents && depth === 2) {
      if (c === 0x2c /* , */) {
        if (++commas >= stopAfter) return { events: stopAfter + 1, depth: deepest }
        continue
      }
      if (c === 0x5d /* ] */) {
        events = hasElement ? commas + 1 : 0
        inEvents = false
      } else hasElement = true
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) deepest = depth
      if (c === 0x5b && depth === 2 && afterEventsKey) {
        inEvents = true
        commas = 0
        hasElement = false
      }
      afterEventsKey = false
    } else if (c === 0x5d || c === 0x7d /* } */) {
      depth--
    } else if (depth === 1) {
      afterEventsKey = c === 0x3a /* : */ && key === 'events'
    }
  }
  return { events, depth: deepest }
}

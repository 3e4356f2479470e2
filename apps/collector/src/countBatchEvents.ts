/**
 * Counts the elements of a batch body's top-level `"events"` array straight from the JSON text, without
 * parsing it: one pass over the characters (strings and escapes skipped), stopping as soon as the count passes
 * `stopAfter` (then returns `stopAfter + 1`). Returns `undefined` when no such array is found (a malformed body,
 * or a key spelled with escapes; the parsed body is checked again). Building 330,000 objects only to refuse them
 * costs far more than this scan.
 *
 * @example
 * countBatchEvents('{"v":1,"events":[{"id":"a,b"},{}]}', 1000) // 2
 * countBatchEvents(`{"events":[${'{},'.repeat(5000)}{}]}`, 1000) // 1001
 */
export function countBatchEvents(text: string, stopAfter: number): number | undefined {
  const length = text.length
  let depth = 0
  let key: string | undefined
  let afterEventsKey = false
  let inEvents = false
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
        if (++commas >= stopAfter) return stopAfter + 1
        continue
      }
      if (c === 0x5d /* ] */) return hasElement ? commas + 1 : 0
      hasElement = true
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++
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
  return undefined
}

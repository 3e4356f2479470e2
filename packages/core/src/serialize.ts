/**
 * How much of a value {@link serialize} keeps. Every cut leaves a marker, so a reader knows what is missing.
 *
 * @example
 * const limits: SerializeLimits = { maxDepth: 4, maxBytes: 16 * 1024 }
 * serialize(event, limits)
 */
export interface SerializeLimits {
  /**
   * Objects and arrays nested deeper than this become `'[Object]'`, `'[Array]'`, `'[Map]'`…; default 8. What
   * `toJSON` returns counts one level deeper than its object.
   */
  maxDepth?: number
  /** Keys per object, items per array, entries per Map or Set; default 100. */
  maxKeys?: number
  /** UTF-16 code units kept per string (and per key); default 10 000. */
  maxStringLength?: number
  /** Most UTF-8 bytes of `JSON.stringify(result)`; default 64 KiB. Below 16 the result may be a longer marker. */
  maxBytes?: number
}

/**
 * Data that survives `JSON.stringify` and `JSON.parse` unchanged.
 *
 * @example
 * const payload: JsonValue = { id: 1, tags: ['a', 'b'], extra: null }
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

const TRUNCATED = '[Truncated]'
const THROWN = '[Thrown]'
// cause and errors are own but not enumerable; name and message usually live on the prototype. A key an error
// lacks reads as undefined and is left out; a key also found by Object.keys ends as one.
const ERROR_KEYS = ['name', 'message', 'stack', 'cause', 'errors']

function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read()
  } catch {
    return fallback
  }
}

/**
 * Turns any value into JSON-safe data within the given limits, and never throws. Whatever it cuts it marks:
 * `'…[+N]'` after a cut string or array, a `'…'` key on a cut object, `'[Circular]'`, `'[Object]'` past
 * `maxDepth`, `'[Thrown]'` for a getter that throws, `'[Unserializable]'` for an object whose keys cannot be
 * read, `'[Truncated]'` where the byte budget ran out. Errors keep `name`, `message`, `stack`, `cause`, `errors`
 * and their own fields; Maps and Sets become `{ '[Map]': [[key, value]] }` and `{ '[Set]': [value] }`; DOM
 * nodes a short `'<button#save.primary>'`; binary data `'[Uint8Array(16)]'`; promises and weak collections
 * `'[Promise]'`, `'[WeakMap]'`. The result's UTF-8 JSON fits in `maxBytes`.
 *
 * @example
 * const error = new Error('save failed', { cause: new TypeError('offline') })
 * serialize({ error, id: 12n, at: new Date(0) }, { maxBytes: 2048 })
 * // { error: { name: 'Error', message: 'save failed', stack: '…', cause: { name: 'TypeError', … } },
 * //   id: '12n', at: '1970-01-01T00:00:00.000Z' }
 */
export function serialize(value: unknown, limits?: SerializeLimits): JsonValue {
  try {
    const { maxDepth = 8, maxKeys = 100, maxStringLength = 10_000, maxBytes = 64 * 1024 } = limits || {}
    // Ancestors by depth: truncating to the current depth drops finished siblings, so only true cycles match.
    const ancestors: unknown[] = []
    let budget = maxBytes
    let step = 1
    // A cheap running estimate of the output so far, in UTF-16 code units: a leaf's text, quotes and a
    // separator. Exact UTF-8 is measured once at the end; non-ASCII text or escapes only cost another walk.
    let bytes = 0
    const leaf = <T extends JsonValue>(json: T): T => ((bytes += (json + '').length + 3), json)
    // Slicing first means a 10 MB string costs no more than the part that is kept.
    const cut = (text: string): string => {
      // Whole code units: the budget shrinks by fractions between walks.
      let keep = Math.floor(Math.max(0, Math.min(maxStringLength, budget - bytes)))
      if (text.length <= keep) return text
      // Keep surrogate pairs whole (0xD800 >> 10 === 54), so a cut never makes a lone half.
      if (text.charCodeAt(keep - 1) >> 10 === 54) keep--
      return text.slice(0, keep) + `…[+${text.length - keep}]`
    }

    const walk = (v: any, depth: number): JsonValue | undefined => {
      const type = typeof v
      try {
        if (type === 'number') return leaf(isFinite(v) ? v || 0 : v + '')
        if (type === 'bigint') v += 'n'
        if (type === 'symbol') v = String(v)
        if (type === 'function') v = `[Function${v.name ? ' ' + v.name : ''}]`
        if (typeof v === 'string') return leaf(cut(v))
        if (!v || type !== 'object') return v === undefined ? v : leaf(v)

        ancestors.length = depth
        if (ancestors.includes(v)) return leaf('[Circular]')
        ancestors.push(v)
        const get = (key: PropertyKey): any => attempt(() => v[key], THROWN)
        // A Proxy's get trap may throw on Symbol.toStringTag; a plain object is the safe guess.
        const tag: string = attempt(() => ({}).toString.call(v).slice(8, -1), 'Object')
        if (typeof get('nodeType') === 'number' && typeof get('nodeName') === 'string') {
          const id = get('id')
          const className = get('className')
          return walk(
            v.nodeType !== 1
              ? v.nodeName
              : `<${v.nodeName.toLowerCase()}${id ? '#' + id : ''}${
                  // An SVG element's className is an SVGAnimatedString, not a string.
                  typeof className === 'string' ? (' ' + className).trimEnd().replace(/\s+/g, '.') : ''
                }>`,
            depth,
          )
        }
        // A RegExp has no toISOString and an invalid Date throws a RangeError: both fall back to their text,
        // '/a+/g' and 'Invalid Date'.
        if (tag === 'Date' || tag === 'RegExp')
          return walk(
            attempt(() => v.toISOString(), String(v)),
            depth,
          )
        // Typed arrays, ArrayBuffer, SharedArrayBuffer, DataView: their bytes could be megabytes.
        if (/\wArray|Buffer|View/.test(tag)) return leaf(`[${tag}(${v.length ?? v.byteLength})]`)
        const toJSON = get('toJSON')
        // One level deeper, so a toJSON that returns `this` (or a fresh object with toJSON) cannot loop forever: past
        // maxDepth it is not called, and the object becomes its marker.
        if (typeof toJSON === 'function' && depth <= maxDepth)
          return walk(
            attempt(() => toJSON.call(v), THROWN),
            depth + 1,
          )
        if (depth >= maxDepth) return leaf(`[${tag}]`)
        bytes += 3
        const list: any[] | 0 = Array.isArray(v) ? v : tag === 'Map' || tag === 'Set' ? [] : 0
        // Stop early: a Map of a million entries must not be copied whole.
        if (list && list !== v) for (const item of v) if (list.push(item) >= maxKeys) break
        // A Proxy's getPrototypeOf trap may throw inside instanceof; its keys may still be readable.
        const isError = !list && attempt(() => tag === 'Error' || v instanceof Error, false)
        const keys: string[] = list ? [] : [...(isError ? ERROR_KEYS : []), ...Object.keys(v)]
        const total: number = list ? (v.length ?? v.size) : keys.length
        // Promise, WeakMap, WeakSet and other opaque objects hold nothing we can read.
        if (!list && !total && tag !== 'Object') return leaf(`[${tag}]`)
        let out: any = list ? [] : {}
        for (let i = 0; i < total; i++) {
          const over = bytes > budget
          if (over || i >= maxKeys) {
            const marker = leaf(over ? TRUNCATED : list ? `…[+${total - i}]` : `${total - i} more keys`)
            list ? out.push(marker) : (out['…'] = marker)
            break
          }
          const key = list ? i : keys[i]!
          // Count and cut the key before its value spends the budget.
          const name = list ? i : leaf(cut(key as string))
          const item = walk(
            attempt(() => (list || v)[key], THROWN),
            depth + 1,
          )
          if (list) out.push(item ?? leaf(null))
          // Assigning '__proto__' would set the prototype; a computed key in a literal defines it as data, as
          // JSON.parse does.
          else if (item !== undefined) name === '__proto__' ? (out = { ...out, [name]: item }) : (out[name] = item)
        }
        return list && list !== v ? { [`[${tag}]`]: out } : out
      } catch {
        // Even the keys could not be read (a Proxy whose ownKeys trap throws, a revoked Proxy), or the stack
        // ran out under a very large maxDepth.
        return leaf('[Unserializable]')
      }
    }

    for (;;) {
      bytes = 0
      const out = walk(value, 0) ?? null
      const json = JSON.stringify(out)
      // No UTF-16 code unit takes more than 3 bytes in UTF-8, so short output skips the encoding. Well-formed
      // JSON.stringify escapes lone surrogates, so the encoder never replaces one.
      const actual = json.length * 3 > maxBytes ? new TextEncoder().encode(json).length : 0
      if (actual <= maxBytes) return out
      // Written so that a NaN limit ends here too.
      if (!(budget >= 1)) return TRUNCATED
      // The walk overshoots by the markers of the containers it closes, and by multi-byte text cut by
      // length: shrink in proportion. A doubling extra step gets past items too big to cut finer, so the walks
      // stay few (about log2 of maxBytes at worst) and always end.
      budget = (budget * maxBytes) / actual - (step *= 2)
    }
  } catch {
    // No TextEncoder (a very old engine), or limits that cannot be read.
    return '[Unserializable]'
  }
}

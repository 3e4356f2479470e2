/**
 * How one query parameter is read: an integer in a range (`cap`: larger values are lowered to it rather than
 * refused), or text up to a length.
 */
export type QueryParam =
  | { integer: readonly [min: number, max: number]; default: number; cap?: number }
  | { text: number }

/**
 * Reads a request's query parameters by a spec: integers must be plain digits within their range (`abc`,
 * `1.5`, `-1` and `1e3` are refused) and are lowered to their `cap`, text must fit its length. Parameters the spec does
 * not name are
 * ignored. Returns the values, or a message naming the parameter and what it accepts.
 *
 * @example
 * parseQuery(new URLSearchParams('limit=20'), { limit: { integer: [1, 1000], default: 50 } }) // { values: { limit: 20
 * } }
 * parseQuery(new URLSearchParams('limit=abc'), { limit: { integer: [1, 1000], default: 50 } }) // { error: 'limit must
 * be an integer from 1 to 1000, got "abc"' }
 * parseQuery(new URLSearchParams('limit=5000'), { limit: { integer: [1, Number.MAX_SAFE_INTEGER], default: 50, cap:
 * 1000 } }) // { values: { limit: 1000 } }
 */
export function parseQuery<Spec extends Record<string, QueryParam>>(
  params: URLSearchParams,
  spec: Spec,
):
  | {
      values: { [K in keyof Spec]: Spec[K] extends { integer: unknown } ? number : string | undefined }
      error?: undefined
    }
  | { error: string; values?: undefined } {
  const values: Record<string, number | string | undefined> = {}
  for (const [name, param] of Object.entries(spec)) {
    const raw = params.get(name)
    if ('integer' in param) {
      const [min, max] = param.integer
      if (raw === null || raw === '') {
        values[name] = param.default
        continue
      }
      const value = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN
      if (!(value >= min && value <= max)) {
        const range = max >= Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`
        return { error: `${name} must be an integer ${range}, got ${JSON.stringify(raw.slice(0, 40))}` }
      }
      values[name] = Math.min(value, param.cap ?? value)
    } else {
      if (raw !== null && raw.length > param.text) return { error: `${name} must be at most ${param.text} characters` }
      values[name] = raw || undefined
    }
  }
  return { values: values as never }
}

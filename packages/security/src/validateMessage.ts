/** The shape of a collaborative message, field by field. `optional` fields may be missing. */
export type MessageSchema =
  | {
      readonly type: 'string'
      readonly minLength?: number
      readonly maxLength?: number
      readonly pattern?: RegExp
      readonly optional?: boolean
    }
  | {
      readonly type: 'number'
      readonly min?: number
      readonly max?: number
      readonly integer?: boolean
      readonly optional?: boolean
    }
  | { readonly type: 'boolean'; readonly optional?: boolean }
  | {
      readonly type: 'literal'
      readonly values: readonly (string | number | boolean | null)[]
      readonly optional?: boolean
    }
  | {
      readonly type: 'array'
      readonly items: MessageSchema
      readonly minItems?: number
      readonly maxItems?: number
      readonly optional?: boolean
    }
  | {
      readonly type: 'object'
      readonly properties: { readonly [key: string]: MessageSchema }
      readonly optional?: boolean
    }

type Optional<P> = { [K in keyof P]: P[K] extends { optional: true } ? K : never }[keyof P]

/** The TypeScript type a schema (declared `as const`) describes. */
export type InferMessage<S> = S extends { type: 'string' }
  ? string
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'literal'; values: readonly (infer V)[] }
        ? V
        : S extends { type: 'array'; items: infer I }
          ? InferMessage<I>[]
          : S extends { type: 'object'; properties: infer P }
            ? { [K in Exclude<keyof P, Optional<P>>]: InferMessage<P[K]> } & { [K in Optional<P>]?: InferMessage<P[K]> }
            : never

export interface ValidateMessageOptions {
  /** Deepest nesting of arrays and objects. Default 16. */
  readonly maxDepth?: number
  /** Longest string where the schema gives no `maxLength`. Default 10,000. */
  readonly maxStringLength?: number
  /** Longest array where the schema gives no `maxItems`. Default 1,000. */
  readonly maxItems?: number
}

/** Either the cleaned message (unknown fields dropped) or every violation found. */
export type MessageValidation<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly string[]; readonly message: string }

const UNREADABLE = 'unreadable (a getter or Proxy threw)'

/**
 * Checks a message that arrived from a peer against its schema: types, number ranges, string and array
 * lengths, nesting depth. Returns a copy holding only the fields the schema knows (unknown ones, including
 * `__proto__`, are dropped), or the list of every violation with its path. Never throws: a throwing getter,
 * a Proxy or a revoked Proxy is reported as `unreadable`; a sparse array's holes are violations; a `pattern`
 * with the `g` or `y` flag gives the same answer every time (its `lastIndex` is neither used nor changed).
 *
 * @example
 * const Stroke = { type: 'object', properties: {
 *   id: { type: 'string', maxLength: 36 },
 *   points: { type: 'array', maxItems: 5000, items: { type: 'number', min: -1e6, max: 1e6 } },
 *   color: { type: 'string', pattern: /^#[0-9a-f]{6}$/i, optional: true },
 * } } as const
 * const result = validateMessage(Stroke, JSON.parse(event.data))
 * if (result.ok) canvas.draw(result.value)
 * else reportBadPeer(result.message) // '$.points[3]: expected a number, got string; …'
 */
export function validateMessage<S extends MessageSchema>(
  schema: S,
  data: unknown,
  options: ValidateMessageOptions = {},
): MessageValidation<InferMessage<S>> {
  const { maxDepth = 16, maxStringLength = 10_000, maxItems = 1_000 } = options
  const errors: string[] = []
  const check = (schema: MessageSchema, value: unknown, path: string, depth: number): unknown => {
    const fail = (message: string, at = path): undefined => void errors.push(`${at}: ${message}`)
    // A getter or Proxy trap that throws (or a revoked Proxy) makes the value unreadable, never an exception.
    try {
      const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
      const expect = (type: string): boolean => got === type || !!fail(`expected ${type}, got ${got}`)
      const within = (size: number, min = 0, max = Infinity, unit = ''): boolean =>
        (size >= min && size <= max) || !!fail(`${size}${unit} is outside [${min}, ${max}]`)
      switch (schema.type) {
        case 'string':
          // search() ignores and restores lastIndex: a pattern with the g or y flag answers the same every time.
          return expect('string') &&
            within((value as string).length, schema.minLength, schema.maxLength ?? maxStringLength, ' characters') &&
            (!schema.pattern ||
              (value as string).search(schema.pattern) >= 0 ||
              fail(`does not match ${schema.pattern}`))
            ? value
            : undefined
        case 'number':
          return expect('number') &&
            (Number.isFinite(value) || fail(`${value} is not finite`)) &&
            (!schema.integer || Number.isInteger(value) || fail(`${value} is not an integer`)) &&
            within(value as number, schema.min ?? -Infinity, schema.max)
            ? value
            : undefined
        case 'boolean':
          return expect('boolean') ? value : undefined
        case 'literal':
          return schema.values.includes(value as never)
            ? value
            : fail(`expected one of ${JSON.stringify(schema.values)}`)
        case 'array': {
          if (!expect('array') || (depth >= maxDepth && !fail(`nested deeper than ${maxDepth}`))) return
          // Read and made a number once: a Proxy could answer differently the second time.
          const length = +(value as unknown[]).length
          if (!within(length, schema.minItems, schema.maxItems ?? maxItems, ' items')) return
          const items: unknown[] = []
          for (let index = 0; index < length; index++) {
            const at = `${path}[${index}]`
            items.push(
              Object.hasOwn(value as object, index)
                ? check(schema.items, (value as unknown[])[index], at, depth + 1)
                : fail('missing (a hole in a sparse array)', at),
            )
          }
          return items
        }
        case 'object': {
          if (!expect('object') || (depth >= maxDepth && !fail(`nested deeper than ${maxDepth}`))) return
          const result: Record<string, unknown> = {}
          for (const [key, field] of Object.entries(schema.properties)) {
            const at = `${path}.${key}`
            let item: unknown
            try {
              item = Object.hasOwn(value as object, key) ? (value as Record<string, unknown>)[key] : undefined
            } catch {
              fail(UNREADABLE, at)
              continue
            }
            if (item !== undefined) result[key] = check(field, item, at, depth + 1)
            else if (!field.optional) fail(`${key} is missing`)
          }
          return result
        }
        default:
          return fail('bad schema')
      }
    } catch {
      return fail(UNREADABLE)
    }
  }
  const value = check(schema, data, '$', 0)
  return errors.length
    ? { ok: false, errors, message: errors.join('; ') }
    : { ok: true, value: value as InferMessage<S> }
}

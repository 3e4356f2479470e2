import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validateMessage } from './validateMessage'

const Stroke = {
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 36 },
    kind: { type: 'literal', values: ['pen', 'marker'] },
    width: { type: 'number', min: 0.5, max: 64 },
    layer: { type: 'number', integer: true, min: 0, max: 100 },
    visible: { type: 'boolean' },
    points: {
      type: 'array',
      maxItems: 4,
      items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', min: -1e6, max: 1e6 } },
    },
    color: { type: 'string', pattern: /^#[0-9a-f]{6}$/i, optional: true },
  },
} as const

const good = {
  id: 's-1',
  kind: 'pen',
  width: 2,
  layer: 1,
  visible: true,
  points: [
    [0, 0],
    [10, 5],
  ],
}

describe('validateMessage', () => {
  it('returns a typed copy of a valid message with unknown fields dropped', () => {
    const result = validateMessage(Stroke, { ...good, extra: 'dropped', __proto__: { polluted: true } })
    expect(result).toEqual({ ok: true, value: good })
    if (result.ok) {
      const width: number = result.value.width
      expect(width).toBe(2)
      expect(Object.keys(result.value)).not.toContain('extra')
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype)
    }
  })

  it('lists every violation with its path in one clear error', () => {
    const result = validateMessage(Stroke, {
      id: 'x'.repeat(37),
      kind: 'laser',
      width: 100,
      layer: 1.5,
      visible: 'yes',
      points: [[0, 0], [1], [2, 'a'], [3, 3], [4, 4]],
      color: 'red',
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual([
      '$.id: 37 characters is outside [0, 36]',
      '$.kind: expected one of ["pen","marker"]',
      '$.width: 100 is outside [0.5, 64]',
      '$.layer: 1.5 is not an integer',
      '$.visible: expected boolean, got string',
      '$.points: 5 items is outside [0, 4]',
      '$.color: does not match /^#[0-9a-f]{6}$/i',
    ])
    expect(result.message).toBe(result.errors.join('; '))
    const nested = validateMessage(Stroke, { ...good, points: [[1], [2, 'a']] })
    expect(!nested.ok && nested.errors).toEqual([
      '$.points[0]: 1 items is outside [2, 2]',
      '$.points[1][1]: expected number, got string',
    ])
  })

  it('reports missing fields, wrong roots, non-finite numbers', () => {
    expect(validateMessage(Stroke, { id: 'a' })).toMatchObject({
      ok: false,
      errors: expect.arrayContaining(['$: kind is missing', '$: points is missing']),
    })
    expect(validateMessage(Stroke, null)).toMatchObject({ ok: false, errors: ['$: expected object, got null'] })
    expect(validateMessage(Stroke, [good])).toMatchObject({ ok: false, errors: ['$: expected object, got array'] })
    expect(validateMessage({ type: 'number' }, Number.NaN)).toMatchObject({
      ok: false,
      errors: ['$: NaN is not finite'],
    })
  })

  it('bounds strings, arrays and depth by default', () => {
    expect(validateMessage({ type: 'string' }, 'x'.repeat(10_001)).ok).toBe(false)
    expect(validateMessage({ type: 'array', items: { type: 'number' } }, Array(1001).fill(0)).ok).toBe(false)
    type Tree = { type: 'object'; properties: { child: Tree & { optional: true } } }
    const tree = { type: 'object', properties: {} } as unknown as Tree
    ;(tree.properties as { child: unknown }).child = { ...tree, optional: true }
    let deep: Record<string, unknown> = {}
    for (let i = 0; i < 40; i++) deep = { child: deep }
    expect(validateMessage(tree, deep, { maxDepth: 16 })).toMatchObject({
      ok: false,
      errors: [expect.stringMatching(/nested deeper than 16$/)],
    })
  })

  it('never throws, whatever a peer sends', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withObjectString: true,
          withNullPrototype: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
        }),
        (data) => {
          const result = validateMessage(Stroke, data)
          expect(typeof result.ok).toBe('boolean')
        },
      ),
      { numRuns: 500 },
    )
  })

  it('gives a clear invalid result, never an exception, for throwing getters, Proxies and revoked Proxies', () => {
    const throwingGetter = {
      ...good,
      get width(): number {
        throw new Error('getter says no')
      },
    }
    const trap = () => {
      throw new Error('trap says no')
    }
    const hostileProxy = new Proxy(
      { ...good },
      { get: trap, has: trap, getOwnPropertyDescriptor: trap, ownKeys: trap, getPrototypeOf: trap },
    )
    const revocable = Proxy.revocable({ ...good }, {})
    revocable.revoke()
    const revokedArray = Proxy.revocable([1, 2], {})
    revokedArray.revoke()
    const cases: [unknown, string][] = [
      [throwingGetter, '$.width: unreadable'],
      [hostileProxy, '$.id: unreadable'],
      [revocable.proxy, '$: unreadable'],
      [{ ...good, points: [[0, 0], revokedArray.proxy] }, '$.points[1]: unreadable'],
    ]
    for (const [data, error] of cases) {
      let result: ReturnType<typeof validateMessage<typeof Stroke>> | undefined
      expect(() => (result = validateMessage(Stroke, data))).not.toThrow()
      expect(result).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.stringContaining(error)]) })
    }
  })

  it('reads an array length once, so a Proxy cannot grow it past the limit mid-check', () => {
    let reads = 0
    const growing = new Proxy([1, 2], {
      get: (target, key, receiver) =>
        key === 'length' ? (++reads > 1 ? 5_000 : 2) : Reflect.get(target, key, receiver),
    })
    expect(validateMessage({ type: 'array', items: { type: 'number' } }, growing)).toEqual({ ok: true, value: [1, 2] })
    // A length that is an object answering a larger number each time it is compared.
    let count = 0
    const shifty = new Proxy([1, 2], {
      get: (target, key, receiver) =>
        key === 'length' ? { valueOf: () => (count++ ? 5_000 : 2) } : Reflect.get(target, key, receiver),
    })
    expect(validateMessage({ type: 'array', items: { type: 'number' } }, shifty)).toEqual({ ok: true, value: [1, 2] })
    expect(
      validateMessage(
        { type: 'array', items: { type: 'number' } },
        new Proxy([], { get: (target, key) => (key === 'length' ? 'many' : undefined) }),
      ),
    ).toMatchObject({
      ok: false,
      errors: ['$: NaN items is outside [0, 1000]'],
    })
  })

  it('refuses sparse arrays', () => {
    const sparse = [1, , 3]
    const result = validateMessage({ type: 'array', items: { type: 'number' } }, sparse)
    expect(result).toMatchObject({ ok: false, errors: ['$[1]: missing (a hole in a sparse array)'] })
    expect(validateMessage({ type: 'array', items: { type: 'number', optional: true } }, Array(3)).ok).toBe(false)
  })

  it('gives the same answer every time for a pattern with the g or y flag', () => {
    for (const pattern of [/^#[0-9a-f]{6}$/gi, /#[0-9a-f]{6}/y, /[0-9a-f]{6}/g]) {
      const schema = { type: 'string', pattern } as const
      const answers = Array.from({ length: 6 }, () => validateMessage(schema, '#00ff00').ok)
      expect(answers, String(pattern)).toEqual(Array(6).fill(true))
      expect(validateMessage(schema, 'red').ok).toBe(false)
      expect(pattern.lastIndex).toBe(0)
    }
  })
})

describe('validateMessage', () => {
  it('accepts a negative number where the schema sets no min', () => {
    const Move = {
      type: 'object',
      properties: { dx: { type: 'number' }, dy: { type: 'number', max: 100 }, z: { type: 'number', integer: true } },
    } as const
    expect(validateMessage(Move, { dx: -3.5, dy: -1, z: -2 })).toEqual({ ok: true, value: { dx: -3.5, dy: -1, z: -2 } })
  })
})

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { serialize, type JsonValue } from './serialize'

const bytesOf = (out: JsonValue): number => Buffer.byteLength(JSON.stringify(out))

/** Nests `levels` objects (or arrays) inside each other without recursion. */
const nest = (levels: number, array = false): unknown => {
  let value: unknown = 'bottom'
  for (let i = 0; i < levels; i++) value = array ? [value] : { child: value }
  return value
}

const throwing = (): never => {
  throw new Error('trap')
}

const revoked = (): object => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

describe('serialize', () => {
  it('keeps plain JSON data as it is', () => {
    const data = { id: 7, name: 'Ada', ok: true, none: null, tags: ['a', 'b'], nested: { list: [1, [2, 3]] } }
    expect(serialize(data)).toStrictEqual(data)
    expect(serialize('text')).toBe('text')
    expect(serialize(false)).toBe(false)
  })

  it('writes NaN and the infinities as strings and -0 as 0', () => {
    expect(serialize([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0])).toStrictEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      0,
    ])
    expect(Object.is(serialize(-0), 0)).toBe(true)
  })

  it('writes a BigInt with its n suffix and a Symbol as its description', () => {
    expect(serialize({ big: 123n, huge: -(2n ** 70n), sym: Symbol('token'), anon: Symbol() })).toStrictEqual({
      big: '123n',
      huge: '-1180591620717411303424n',
      sym: 'Symbol(token)',
      anon: 'Symbol()',
    })
  })

  it('drops undefined object fields like JSON, but writes null for undefined in arrays and at the top', () => {
    expect(serialize({ a: undefined, b: 1 })).toStrictEqual({ b: 1 })
    expect(serialize([undefined, 1])).toStrictEqual([null, 1])
    expect(serialize(undefined)).toBeNull()
    // A hole reads as undefined, as in JSON.stringify.
    expect(serialize([1, , 3])).toStrictEqual([1, null, 3])
  })

  it('names functions instead of dropping them', () => {
    function save(): void {}
    class Store {}
    expect(serialize({ save, Store, anonymous: [() => {}][0] })).toStrictEqual({
      save: '[Function save]',
      Store: '[Function Store]',
      anonymous: '[Function]',
    })
  })

  it('cuts a long string and says how many characters it cut', () => {
    expect(serialize('abcdefghij', { maxStringLength: 4 })).toBe('abcd…[+6]')
    expect(serialize({ ['k'.repeat(8)]: 1 }, { maxStringLength: 3 })).toStrictEqual({ 'kkk…[+5]': 1 })
  })

  it('never splits a surrogate pair when it cuts a string', () => {
    const out = serialize('a😀b', { maxStringLength: 2 })
    expect(out).toBe('a…[+3]')
    expect(Buffer.from(JSON.stringify(out)).toString()).toBe(JSON.stringify(out))
  })

  it('keeps lone surrogates as escapes that survive a JSON round trip', () => {
    const out = serialize({ lone: 'x\ud800y\udc00' })
    expect(JSON.stringify(out)).toBe('{"lone":"x\\ud800y\\udc00"}')
    expect(JSON.parse(JSON.stringify(out))).toStrictEqual(out)
  })

  it('marks a cycle as [Circular] but writes a shared, non-cyclic object each time it appears', () => {
    const shared = { n: 1 }
    const root: Record<string, unknown> = { a: shared, b: shared }
    root.self = root
    root.list = [root, { back: root }]
    expect(serialize(root)).toStrictEqual({
      a: { n: 1 },
      b: { n: 1 },
      self: '[Circular]',
      list: ['[Circular]', { back: '[Circular]' }],
    })
    const map = new Map<string, unknown>()
    map.set('me', map)
    expect(serialize(map)).toStrictEqual({ '[Map]': [['me', '[Circular]']] })
  })

  it('replaces what lies deeper than maxDepth with a marker naming its type', () => {
    const value = { a: { b: { list: [1], map: new Map(), c: { d: 1 } } } }
    expect(serialize(value, { maxDepth: 2 })).toStrictEqual({ a: { b: '[Object]' } })
    expect(serialize(value, { maxDepth: 3 })).toStrictEqual({
      a: { b: { list: '[Array]', map: '[Map]', c: '[Object]' } },
    })
    expect(serialize({ x: 1 }, { maxDepth: 0 })).toBe('[Object]')
  })

  it('keeps the first maxKeys keys or items and says how many more there were', () => {
    const object = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]))
    expect(serialize(object, { maxKeys: 3 })).toStrictEqual({ k0: 0, k1: 1, k2: 2, '…': '12 more keys' })
    expect(
      serialize(
        Array.from({ length: 10 }, (_, i) => i),
        { maxKeys: 4 },
      ),
    ).toStrictEqual([0, 1, 2, 3, '…[+6]'])
    expect(serialize(new Set([1, 2, 3, 4]), { maxKeys: 2 })).toStrictEqual({ '[Set]': [1, 2, '…[+2]'] })
    const sparse: unknown[] = []
    sparse.length = 2 ** 32 - 1
    expect(serialize(sparse, { maxKeys: 1 })).toStrictEqual([null, `…[+${2 ** 32 - 2}]`])
  })

  it('writes an Error with its name, message, stack, cause chain and own fields', () => {
    const cause = new TypeError('offline')
    const error = Object.assign(new Error('save failed', { cause }), { code: 'E_SAVE', meta: { retry: 2n } })
    const out = serialize(error) as Record<string, JsonValue>
    expect(out).toMatchObject({ name: 'Error', message: 'save failed', code: 'E_SAVE', meta: { retry: '2n' } })
    expect(out.stack).toContain('save failed')
    expect(out.cause).toMatchObject({ name: 'TypeError', message: 'offline' })
    expect(Object.keys(out)).toStrictEqual(['name', 'message', 'stack', 'cause', 'code', 'meta'])
  })

  it('keeps the errors of an AggregateError and a cause that points back as [Circular]', () => {
    const error = new AggregateError([new RangeError('a'), 'plain'], 'both failed')
    const looped = new Error('loop')
    looped.cause = looped
    expect(serialize(error)).toMatchObject({
      name: 'AggregateError',
      message: 'both failed',
      errors: [{ name: 'RangeError', message: 'a' }, 'plain'],
    })
    expect(serialize(looped)).toMatchObject({ message: 'loop', cause: '[Circular]' })
  })

  it('treats any object built on Error.prototype as an error, and a subclass keeps its own name', () => {
    class SaveError extends Error {
      override name = 'SaveError'
    }
    const fake = Object.create(Error.prototype) as Error
    expect(serialize(new SaveError('nope'))).toMatchObject({ name: 'SaveError', message: 'nope' })
    expect(serialize(fake)).toStrictEqual({ name: 'Error', message: '' })
  })

  it('describes a DOM node briefly instead of walking it', () => {
    const button = { nodeType: 1, nodeName: 'BUTTON', id: 'save', className: 'primary  wide ', parentNode: {} }
    const svg = { nodeType: 1, nodeName: 'svg', id: '', className: { baseVal: 'icon' } }
    expect(serialize(button)).toBe('<button#save.primary.wide>')
    expect(serialize({ target: { nodeType: 1, nodeName: 'BUTTON', id: 'save', className: 'primary' } })).toStrictEqual({
      target: '<button#save.primary>',
    })
    expect(serialize(svg)).toBe('<svg>')
    expect(serialize({ nodeType: 3, nodeName: '#text', data: 'hello' })).toBe('#text')
  })

  it('writes Map and Set as tagged lists', () => {
    const key = { id: 1 }
    expect(
      serialize(
        new Map<unknown, unknown>([
          ['a', 1],
          [key, new Set(['x'])],
        ]),
      ),
    ).toStrictEqual({
      '[Map]': [
        ['a', 1],
        [{ id: 1 }, { '[Set]': ['x'] }],
      ],
    })
  })

  it('writes dates as ISO strings and regular expressions as their source', () => {
    expect(serialize({ at: new Date(0), bad: new Date(Number.NaN), re: /a+b/gi })).toStrictEqual({
      at: '1970-01-01T00:00:00.000Z',
      bad: 'Invalid Date',
      re: '/a+b/gi',
    })
  })

  it('summarizes binary data by type and length instead of dumping it', () => {
    const views = [new Uint8Array(16), new Float64Array(3), new ArrayBuffer(8), new DataView(new ArrayBuffer(4))]
    expect(serialize([...views, Buffer.alloc(2)])).toStrictEqual([
      '[Uint8Array(16)]',
      '[Float64Array(3)]',
      '[ArrayBuffer(8)]',
      '[DataView(4)]',
      '[Uint8Array(2)]',
    ])
    // 50 MB summarised by its length: walking it would take the test past its time-out.
    expect(serialize(new Uint8Array(50_000_000))).toBe('[Uint8Array(50000000)]')
  })

  it('names opaque objects such as promises and weak collections', () => {
    const promise = Promise.resolve(1)
    expect(serialize([promise, new WeakMap(), new WeakSet(), new WeakRef({})])).toStrictEqual([
      '[Promise]',
      '[WeakMap]',
      '[WeakSet]',
      '[WeakRef]',
    ])
  })

  it('uses toJSON where an object has one, and marks a toJSON that throws', () => {
    const money = { toJSON: () => ({ amount: '1.50', currency: 'EUR' }) }
    const self = {
      toJSON() {
        return this
      },
    }
    expect(serialize({ money, broken: { toJSON: throwing }, self })).toStrictEqual({
      money: { amount: '1.50', currency: 'EUR' },
      broken: '[Thrown]',
      self: '[Circular]',
    })
  })

  it('marks a getter that throws as [Thrown] and keeps the other fields', () => {
    const value = {
      ok: 1,
      get broken(): never {
        return throwing()
      },
    }
    const list = [1, 2]
    Object.defineProperty(list, 1, { get: throwing, enumerable: true })
    expect(serialize({ value, list })).toStrictEqual({ value: { ok: 1, broken: '[Thrown]' }, list: [1, '[Thrown]'] })
  })

  it('survives Proxies whose traps throw', () => {
    const noGet = new Proxy({ a: 1, b: 2 }, { get: throwing })
    const noKeys = new Proxy({ a: 1 }, { ownKeys: throwing })
    const noPrototype = new Proxy({ a: 1 }, { getPrototypeOf: throwing })
    const noDescriptor = new Proxy({ a: 1 }, { getOwnPropertyDescriptor: throwing, has: throwing })
    expect(serialize({ noGet, noKeys, noPrototype, noDescriptor, revoked: revoked() })).toStrictEqual({
      noGet: { a: '[Thrown]', b: '[Thrown]' },
      noKeys: '[Unserializable]',
      noPrototype: { a: 1 },
      noDescriptor: '[Unserializable]',
      revoked: '[Unserializable]',
    })
    expect(serialize(new Proxy(() => {}, { get: throwing }))).toBe('[Unserializable]')
  })

  it('keeps a key named __proto__ as data', () => {
    const out = serialize(JSON.parse('{"__proto__":{"polluted":true}}'))
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(JSON.stringify(out)).toBe('{"__proto__":{"polluted":true}}')
  })

  it('stays within maxBytes and marks where the budget ran out', () => {
    const big = Array.from({ length: 50 }, (_, i) => ({ id: i, text: 'lorem ipsum '.repeat(20), tags: ['a', 'b'] }))
    const out = serialize(big, { maxBytes: 1000 })
    expect(bytesOf(out)).toBeLessThanOrEqual(1000)
    // Most of the budget is used, not thrown away by a too-cautious cut.
    expect(bytesOf(out)).toBeGreaterThan(800)
    expect(JSON.stringify(out)).toContain('[Truncated]')
  })

  it('counts multi-byte characters in UTF-8 bytes', () => {
    for (const char of ['é', '€', '😀', '"', '\u0001']) {
      const out = serialize({ text: char.repeat(5000) }, { maxBytes: 2000 })
      expect(bytesOf(out)).toBeLessThanOrEqual(2000)
      expect(bytesOf(out)).toBeGreaterThan(1000)
    }
  })

  it('returns [Truncated] when maxBytes is too small for anything else', () => {
    expect(serialize({ a: 'x'.repeat(100) }, { maxBytes: 13 })).toBe('[Truncated]')
    expect(serialize(-1.7976931348623157e308, { maxBytes: 20 })).toBe('[Truncated]')
  })

  it('ends quickly even with limits that make no sense', () => {
    const value = { text: 'x'.repeat(1_000_000), list: Array.from({ length: 1000 }, (_, i) => ({ i })) }
    for (const limits of [
      { maxBytes: Number.NaN, maxStringLength: Number.NaN, maxKeys: Number.NaN, maxDepth: Number.NaN },
      { maxBytes: -1, maxStringLength: -1, maxKeys: -1, maxDepth: -1 },
      { maxBytes: 1.5, maxStringLength: 0.5, maxKeys: 0.5, maxDepth: 0.5 },
    ]) {
      expect(JSON.stringify(serialize(value, limits)).length).toBeLessThan(100)
    }
    expect(serialize({ a: 1 }, null as unknown as undefined)).toStrictEqual({ a: 1 })
  })

  it('cuts a 10 MB string quickly, without walking what it drops', () => {
    for (const text of ['x'.repeat(10_000_000), '€'.repeat(3_400_000), '😀'.repeat(2_500_000)]) {
      const out = serialize({ text, [text]: 'as a key', list: [text, text] })
      expect(bytesOf(out)).toBeLessThanOrEqual(64 * 1024)
      expect((out as Record<string, string>).text).toMatch(/…\[\+\d+\]$/)
    }
  })

  it('handles 10,000 levels of nesting without overflowing the stack', () => {
    for (const array of [false, true]) {
      const deep = nest(10_000, array)
      expect(JSON.stringify(serialize(deep))).toContain(array ? '[Array]' : '[Object]')
      for (const maxDepth of [100, 20_000, Number.POSITIVE_INFINITY]) {
        // Past what the stack allows, the innermost part becomes '[Unserializable]' instead of throwing.
        const json = JSON.stringify(serialize(deep, { maxDepth }))
        expect(Buffer.byteLength(json)).toBeLessThanOrEqual(64 * 1024)
        expect(JSON.stringify(JSON.parse(json))).toBe(json)
      }
    }
  })

  describe('for any value', () => {
    const { value: hostile } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', maxDepth: 4 },
        fc.anything({
          maxDepth: 2,
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withObjectString: true,
          withSet: true,
          withSparseArray: true,
          withTypedArray: true,
          stringUnit: 'binary',
        }),
        // Any UTF-16 sequence, lone surrogates included.
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes)),
        fc
          .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.integer({ min: 100, max: 20_000 }))
          .map(([text, times]) => text.repeat(times)),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }),
        fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 }).map((entries) => new Map(entries)),
        fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
        fc.tuple(fc.string(), tie('value')).map(([message, cause]) => new Error(message, { cause })),
        fc.array(tie('value'), { maxLength: 3 }).map((errors) => new AggregateError(errors, 'many')),
        tie('value').map((inner) => {
          const cyclic: Record<string, unknown> = { inner }
          cyclic.self = cyclic
          cyclic.list = [cyclic, new Map([['back', cyclic]])]
          return cyclic
        }),
        tie('value').map((inner) => ({
          inner,
          get broken(): never {
            return throwing()
          },
        })),
        // Wrapped in a plain object: fast-check itself probes each generated value with `in`.
        tie('value').map((inner) => ({ proxy: new Proxy({ inner }, { get: throwing, getPrototypeOf: throwing }) })),
        tie('value').map((inner) => ({ proxy: new Proxy([inner], { ownKeys: throwing, has: throwing }) })),
        tie('value').map((inner) => ({ toJSON: () => inner })),
        fc.constantFrom<unknown>(
          nest(10_000),
          nest(10_000, true),
          Symbol('s'),
          () => {},
          Promise.resolve(),
          new WeakMap(),
          new Date(Number.NaN),
          { nodeType: 1, nodeName: 'DIV', id: 'x', className: 'a b' },
          { toJSON: throwing },
        ),
        fc.constant(null).map(() => ({ proxy: revoked() })),
      ),
    }))
    const limits = [
      {},
      { maxBytes: 16 },
      { maxBytes: 100 },
      { maxBytes: 1000 },
      { maxDepth: 3, maxKeys: 2, maxStringLength: 5, maxBytes: 300 },
    ]

    it('never throws, returns plain JSON that survives a round trip, and stays within maxBytes', () => {
      fc.assert(
        fc.property(hostile, (value) => {
          for (const limit of limits) {
            const out = serialize(value, limit)
            expect(JSON.parse(JSON.stringify(out))).toStrictEqual(out)
            expect(bytesOf(out)).toBeLessThanOrEqual(limit.maxBytes ?? 64 * 1024)
          }
        }),
        { numRuns: 200 },
      )
    })

    it('keeps every limit it is given, whatever the limits', () => {
      const limitsArbitrary = fc.record({
        maxDepth: fc.integer({ min: 0, max: 12 }),
        maxKeys: fc.integer({ min: 0, max: 20 }),
        maxStringLength: fc.integer({ min: 0, max: 50_000 }),
        maxBytes: fc.integer({ min: 16, max: 5000 }),
      })
      fc.assert(
        fc.property(hostile, limitsArbitrary, (value, limits) => {
          const out = serialize(value, limits)
          const json = JSON.stringify(out)
          expect(JSON.parse(json)).toStrictEqual(out)
          expect(Buffer.byteLength(json)).toBeLessThanOrEqual(limits.maxBytes)
          expect(json).not.toMatch(/…\[\+(?!\d+\])/)
          // A kept string (or key) is never longer than the limit plus its cut marker; 30 leaves room for the
          // short markers such as '[Uint8Array(16)]' that are never cut.
          for (const text of json.match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
            const kept = (JSON.parse(text) as string).replace(/…\[\+\d+\]$/, '')
            expect(kept.length).toBeLessThanOrEqual(Math.max(limits.maxStringLength, 30))
          }
        }),
        { numRuns: 300 },
      )
    })
  })
})

describe('serialize and toJSON', () => {
  it('applies maxDepth to what toJSON returns: a toJSON returning a fresh object with toJSON ends in a depth marker', () => {
    const make = (): object => ({ toJSON: make })
    // serialize.ts: "What toJSON returns counts one level deeper than its object" and toJSON "cannot loop forever".
    const out = serialize({ value: make() }, { maxDepth: 4 })
    expect(JSON.stringify(out)).not.toContain('[Unserializable]')
    expect(out).toEqual({ value: '[Object]' })
  })
})

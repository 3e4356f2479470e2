import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createScrubber, DEFAULT_DENY_KEYS, rememberRecent } from './scrub'

const F = '[Filtered]'

/** Appends the Luhn check digit, so tests can build valid card numbers of any length. */
const withCheckDigit = (body: string): string => {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    const n = Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 2 : 1)
    sum += n > 9 ? n - 9 : n
  }
  return body + ((10 - (sum % 10)) % 10)
}

/** The spec of a denied key, written independently of the implementation. */
const isDeniedKey = (key: string): boolean => {
  const normalised = key.toLowerCase().replace(/[-_ ]/g, '')
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
  return DEFAULT_DENY_KEYS.some((deny) => (deny.length < 5 ? words.includes(deny) : normalised.includes(deny)))
}

describe('createScrubber', () => {
  const scrubber = createScrubber()

  describe('keys', () => {
    it('matches short deny entries as whole words only, so className and author are kept', () => {
      const scrubber = createScrubber()
      expect(
        scrubber.value({ className: 'btn', author: 'Ada', userSsn: '1', authKey: 'k', 'X-CSRF-Token': 't', cvv: '1' }),
      ).toEqual({
        className: 'btn',
        author: 'Ada',
        userSsn: '[Filtered]',
        authKey: '[Filtered]',
        'X-CSRF-Token': '[Filtered]',
        cvv: '[Filtered]',
      })
    })

    it.each(DEFAULT_DENY_KEYS)('redacts the value under a default deny key "%s"', (key) => {
      expect(scrubber.value({ [key]: 'value', other: 'kept' })).toEqual({ [key]: F, other: 'kept' })
    })

    it('matches keys case-insensitively, ignoring dashes, underscores and spaces, anywhere in the key', () => {
      const keys = [
        'X-Api-Key',
        'access_token',
        'Authorization',
        'Set-Cookie',
        'SESSION_TOKEN',
        'sessionKey',
        'user Email',
        'private_key',
        'credit-card',
        'card_number',
        'X-CSRF-Token',
        'xsrfToken',
        'db_credentials',
        'mysql_pwd',
        'phoneNumber',
        'user_ssn',
        'clientSecret',
      ]
      const input = Object.fromEntries(keys.map((key) => [key, 'value']))
      expect(scrubber.value(input)).toEqual(Object.fromEntries(keys.map((key) => [key, F])))
    })

    it('keeps sessionId, which the SDK needs to group events', () => {
      expect(scrubber.value({ sessionId: 'abc', session_id: 'def' })).toEqual({ sessionId: 'abc', session_id: 'def' })
    })

    it('replaces the value of a denied key whatever its type, objects and arrays included', () => {
      expect(
        scrubber.value({
          password: { nested: 'x' },
          token: ['a', 'b'],
          pwd: 1234,
          secret: null,
          auth: true,
        }),
      ).toEqual({ password: F, token: F, pwd: F, secret: F, auth: F })
    })

    it('keeps every key, scrubs nested values and arrays element-wise', () => {
      expect(
        scrubber.value({
          user: { name: 'Ada', contact: { email: 'ada@example.com' } },
          list: ['plain', 'mail ada@example.com', 3, null, { apiKey: 'k' }],
          count: 2,
          ok: false,
        }),
      ).toEqual({
        user: { name: 'Ada', contact: { email: F } },
        list: ['plain', `mail ${F}`, 3, null, { apiKey: F }],
        count: 2,
        ok: false,
      })
    })

    it('never redacts allowKeys, compared after the same normalisation', () => {
      const allowing = createScrubber({ allowKeys: ['token_count'] })
      expect(allowing.value({ tokenCount: 3, 'Token-Count': 4, token: 'x', tokenCountTotal: 5 })).toEqual({
        tokenCount: 3,
        'Token-Count': 4,
        token: F,
        tokenCountTotal: F,
      })
    })

    it('adds custom denyKeys to the defaults, normalised the same way', () => {
      const custom = createScrubber({ denyKeys: ['customer-ref'] })
      expect(custom.value({ CustomerRef: 'c1', the_customer_ref_id: 'c2', password: 'p', name: 'n' })).toEqual({
        CustomerRef: F,
        the_customer_ref_id: F,
        password: F,
        name: 'n',
      })
    })

    it('ignores an empty custom deny key instead of redacting every key', () => {
      expect(createScrubber({ denyKeys: ['', '-_'] }).value({ name: 'n' })).toEqual({ name: 'n' })
    })

    it('does not scrub keys themselves, only values', () => {
      expect(scrubber.value({ 'a@b.co': 'x' })).toEqual({ 'a@b.co': 'x' })
    })

    it('returns a new value and never mutates the input', () => {
      const input = { password: 'p', nested: { note: 'a@b.co' }, list: ['a@b.co'] }
      const snapshot = structuredClone(input)
      const output = scrubber.value(input)
      expect(input).toEqual(snapshot)
      expect(output).not.toBe(input)
      expect(output.nested).not.toBe(input.nested)
    })

    it('keeps numbers, booleans and null, and scrubs a top-level string', () => {
      expect(scrubber.value(42)).toBe(42)
      expect(scrubber.value(true)).toBe(true)
      expect(scrubber.value(null)).toBe(null)
      expect(scrubber.value(undefined)).toBe(undefined)
      expect(scrubber.value('a@b.co')).toBe(F)
    })

    it('keeps an own "__proto__" key as data instead of changing the prototype', () => {
      const output = scrubber.value(JSON.parse('{"__proto__": {"email": "a@b.co", "x": 1}}') as object)
      expect(Object.getPrototypeOf(output)).toBe(Object.prototype)
      expect(JSON.stringify(output)).toBe('{"__proto__":{"email":"[Filtered]","x":1}}')
    })

    it('returns the replacement instead of throwing on cycles, BigInt, throwing getters and hostile nesting', () => {
      const cyclic: Record<string, unknown> = {}
      cyclic.self = cyclic
      const getter = Object.defineProperty({}, 'boom', {
        enumerable: true,
        get: () => {
          throw new Error('boom')
        },
      })
      let deep: unknown = 'a@b.co'
      for (let i = 0; i < 100_000; i++) deep = [deep]
      for (const input of [cyclic, { n: 10n }, getter, deep]) expect(scrubber.value(input)).toBe(F)
    })

    it('keeps ordinary deep nesting intact', () => {
      let deep: unknown = { email: 'a@b.co', keep: 1 }
      let expected: unknown = { email: F, keep: 1 }
      for (let i = 0; i < 200; i++) {
        deep = { child: deep }
        expected = { child: expected }
      }
      expect(scrubber.value(deep)).toEqual(expected)
    })
  })

  describe('value patterns', () => {
    it.each([
      ['contact a@b.co now', `contact ${F} now`],
      ['first.last+tag@mail.example.org', F],
      ['mailto:someone@example.com?subject=hi', `mailto:${F}?subject=hi`],
      ['<jane_doe-99@sub.domain.io>, bob@x.de', `<${F}>, ${F}`],
    ])('replaces emails: %s', (input, expected) => {
      expect(scrubber.string(input)).toBe(expected)
    })

    it('leaves text that merely contains @ alone', () => {
      expect(scrubber.string('@mention and user@localhost and a @ b.co')).toBe(
        '@mention and user@localhost and a @ b.co',
      )
    })

    it.each([
      ['Authorization: Bearer abc.DEF-123_~+/xyz==', `Authorization: Bearer ${F}`],
      ['bearer secret-token', `bearer ${F}`],
      ['BEARER   spaced', `BEARER   ${F}`],
    ])('replaces bearer tokens and keeps the word Bearer: %s', (input, expected) => {
      expect(scrubber.string(input)).toBe(expected)
    })

    it('replaces JWTs', () => {
      const jwt =
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'
      expect(scrubber.string(`token ${jwt} end`)).toBe(`token ${F} end`)
      expect(scrubber.string(`id_token=${jwt}&x=1`)).toBe(`id_token=${F}&x=1`)
      expect(scrubber.string('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(F)
    })

    it('leaves text that only starts like a JWT alone', () => {
      expect(scrubber.string('eyJ only, eyJabc.def and keyJar.a.b')).toBe('eyJ only, eyJabc.def and keyJar.a.b')
    })

    it.each([
      ['Visa', '4111111111111111'],
      ['Visa with spaces', '4111 1111 1111 1111'],
      ['Visa with dashes', '4111-1111-1111-1111'],
      ['Mastercard', '5555 5555 5555 4444'],
      ['Amex (15 digits)', '3782 822463 10005'],
      ['Discover', '6011111111111117'],
      ['13 digits', '4222222222222'],
      ['19 digits', withCheckDigit('400000000000000000')],
    ])('replaces Luhn-valid card numbers: %s', (_, card) => {
      expect(scrubber.string(`pay with ${card}.`)).toBe(`pay with ${F}.`)
    })

    it('finds a card inside a longer run of digit groups', () => {
      expect(scrubber.string('qty 12 4111 1111 1111 1111 2025')).toBe(`qty 12 ${F} 2025`)
      expect(scrubber.string('4111111111111111 7')).toBe(`${F} 7`)
    })

    it.each([
      ['fails Luhn', '4111111111111112'],
      ['fails Luhn, spaced', '4111 1111 1111 1112'],
      ['a millisecond timestamp', '1700000000000'],
      ['a Luhn-valid timestamp (cards start with 2–6)', withCheckDigit('170000000000')],
      ['12 digits', '411111111111'],
      ['a 20-digit id', withCheckDigit('4000000000000000000')],
      ['a 25-digit id', '4111111111111111111111111'],
      ['a phone number', '+1 555-123-4567'],
      ['a date', '2024-01-15 12:30:45'],
    ])('keeps digit strings that are not cards: %s', (_, digits) => {
      expect(scrubber.string(`value ${digits} end`)).toBe(`value ${digits} end`)
    })

    it.each([
      ['192.168.0.1', F],
      ['client 10.0.0.255 connected', `client ${F} connected`],
      ['from 8.8.8.8.', `from ${F}.`],
      ['http://127.0.0.1:8080/x', `http://${F}:8080/x`],
      ['0.0.0.0', F],
    ])('replaces IPv4 addresses: %s', (input, expected) => {
      expect(scrubber.string(input)).toBe(expected)
    })

    it.each(['256.1.1.1', '1.2.3.999', 'version 1.2.3.4.5', 'v1.2.3.4', '1.2.3', '1.2.3.4a'])(
      'keeps dotted numbers that are not IPv4 addresses: %s',
      (input) => {
        expect(scrubber.string(input)).toBe(input)
      },
    )

    it.each([
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '2001:db8:85a3::8a2e:370:7334',
      '2001:DB8::1',
      '::1',
      'fe80::',
      'fe80::1ff:fe23:4567:890a',
      '::ffff:192.168.1.1',
      '64:ff9b::192.0.2.33',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
    ])('replaces IPv6 addresses: %s', (address) => {
      expect(scrubber.string(`peer ${address} left`)).toBe(`peer ${F} left`)
      expect(scrubber.string(`[${address}]:443`)).toBe(`[${F}]:443`)
    })

    it.each([
      ['a time', 'at 12:30:45 today'],
      ['a short time', 'at 12:30 today'],
      ['a MAC address', 'mac 00:1a:2b:3c:4d:5e'],
      ['a hex pair', 'css ab:cd'],
      ['a bare ::', 'a :: b'],
      ['a C++ scope', 'std::vector<int>'],
      ['a CSS pseudo-element', 'a ::before'],
      ['too many groups', '1:2:3:4:5:6:7:8:9'],
      ['two ::', '1::2::3'],
      [':::', 'x ::: y'],
      ['seven groups without ::', '1:2:3:4:5:6:7'],
    ])('keeps colon-separated text that is not an IPv6 address: %s', (_, input) => {
      expect(scrubber.string(input)).toBe(input)
    })

    it('replaces every match in one string', () => {
      expect(scrubber.string('a@b.co, c@d.co; 1.2.3.4 and 4111111111111111')).toBe(`${F}, ${F}; ${F} and ${F}`)
    })

    it('returns the replacement for a non-string from an untyped caller instead of throwing', () => {
      expect(scrubber.string(undefined as unknown as string)).toBe(F)
      expect(scrubber.url(42 as unknown as string)).toBe(F)
    })

    // Each input is about 1 MB and built to make a backtracking regex go quadratic or worse.
    it.each([
      ['word characters without @', 'a'.repeat(1e6)],
      ['repeated a@', 'a@'.repeat(5e5)],
      ['dotted local parts', 'a.'.repeat(5e5) + '@'],
      ['repeated eyJ', 'eyJ'.repeat(333_334)],
      ['JWT-like segments', 'eyJa.'.repeat(2e5)],
      ['Bearer and spaces', 'Bearer' + ' '.repeat(1e6)],
      ['one huge digit run', '9'.repeat(1e6)],
      ['single-digit groups that never pass Luhn', '3-'.repeat(5e5)],
      ['single-digit groups that pass Luhn', '4 '.repeat(5e5)],
      ['colon runs', '1:'.repeat(5e5)],
      ['bare ::', ' ::'.repeat(333_334)],
      ['times', ' 12:30:45'.repeat(111_112)],
      ['dotted numbers', '1.'.repeat(5e5)],
      ['almost IPv4', ' 255.255.255.2555'.repeat(58_824)],
    ])(
      'scrubs 1 MB of adversarial text without catastrophic backtracking: %s',
      (_, text) => {
        // Linear patterns take well under a second here; a backtracking one would take hours, so the test's
        // time-out is the check (no wall-clock assertion: speed is measured in bench/, not asserted).
        expect(text.length).toBeGreaterThan(999_000)
        expect(typeof scrubber.string(text)).toBe('string')
      },
      30_000,
    )

    it('scrubs 1 MB adversarial URLs without catastrophic backtracking', () => {
      for (const url of [
        '//' + 'a'.repeat(1e6),
        '?' + 'a'.repeat(1e6),
        '?a='.repeat(333_334),
        'a'.repeat(1e6) + '://x',
      ]) {
        expect(typeof scrubber.url(url)).toBe('string')
      }
    }, 60_000)
  })

  describe('url', () => {
    it('replaces denied query and fragment parameters and pattern-scrubs the others', () => {
      expect(
        scrubber.url('https://example.com/p?email=a@b.co&token=x&page=2#access_token=eyJa.b.c&expires_in=3600'),
      ).toBe(`https://example.com/p?email=${F}&token=${F}&page=2#access_token=${F}&expires_in=3600`)
    })

    it('replaces the whole of an encoded parameter value whose decoded form holds personal data', () => {
      expect(scrubber.url('/search?q=a%40b.co&page=1')).toBe(`/search?q=${F}&page=1`)
      expect(scrubber.url('/pay?note=card%204111%201111%201111%201111')).toBe(`/pay?note=${F}`)
      expect(scrubber.url('/search?q=shoes%20size%2042')).toBe('/search?q=shoes%20size%2042')
    })

    it('replaces only the personal part of a plain parameter value', () => {
      expect(scrubber.url('/search?q=to:a@b.co&page=1')).toBe(`/search?q=to:${F}&page=1`)
    })

    it('treats ? and ; as parameter separators too, so nothing hides behind them', () => {
      expect(scrubber.url('https://x.io/#=?password=p&a=1')).toBe(`https://x.io/#=?password=${F}&a=1`)
      expect(scrubber.url('/x?a=b?token=t')).toBe(`/x?a=b?token=${F}`)
      expect(scrubber.url('/x;jsessionid=1?a=1;auth_key=k')).toBe(`/x;jsessionid=${F}?a=1;auth_key=${F}`)
    })

    it('matches encoded and differently-cased parameter names', () => {
      expect(scrubber.url('/x?Api-Key=1&access%5Ftoken=2&SessionKey=3&sessionId=4')).toBe(
        `/x?Api-Key=${F}&access%5Ftoken=${F}&SessionKey=${F}&sessionId=4`,
      )
    })

    it('removes userinfo', () => {
      expect(scrubber.url('https://user:pass@example.com/a?b=1')).toBe('https://example.com/a?b=1')
      expect(scrubber.url('ftp://us%40er:p@ss@host:21/')).toBe('ftp://host:21/')
      expect(scrubber.url('//user:pass@cdn.example.com/x.js')).toBe('//cdn.example.com/x.js')
    })

    it('keeps an @ in the path, query or fragment of a URL without userinfo', () => {
      expect(scrubber.url('https://example.com/@handle?x=@y#@z')).toBe('https://example.com/@handle?x=@y#@z')
    })

    it('works on relative URLs, bare query strings and fragments', () => {
      expect(scrubber.url('/api/v1/users?password=hunter2')).toBe(`/api/v1/users?password=${F}`)
      expect(scrubber.url('?token=abc&x=1')).toBe(`?token=${F}&x=1`)
      expect(scrubber.url('#id_token=abc')).toBe(`#id_token=${F}`)
      expect(scrubber.url('page.html#/route?secret=s&tab=2')).toBe(`page.html#/route?secret=${F}&tab=2`)
    })

    it('pattern-scrubs the path', () => {
      expect(scrubber.url('https://example.com/users/a@b.co/profile')).toBe(`https://example.com/users/${F}/profile`)
    })

    it('keeps URLs without personal data unchanged', () => {
      const url = 'https://example.com:8443/a/b.html?page=2&sort=desc&empty=&flag#section-2'
      expect(scrubber.url(url)).toBe(url)
    })

    it('pattern-scrubs garbage and malformed input without throwing', () => {
      expect(scrubber.url('not a url, write to a@b.co')).toBe(`not a url, write to ${F}`)
      expect(scrubber.url('%E0%A4%A?token=%%%')).toBe(`%E0%A4%A?token=${F}`)
      expect(scrubber.url('?q=%E0%A4%A')).toBe('?q=%E0%A4%A')
      expect(scrubber.url('')).toBe('')
    })

    it('applies allowKeys to parameter names', () => {
      expect(createScrubber({ allowKeys: ['token_count'] }).url('/x?token_count=3&token=t')).toBe(
        `/x?token_count=3&token=${F}`,
      )
    })
  })

  describe('options', () => {
    it('uses a custom replacement, taken literally', () => {
      const custom = createScrubber({ replacement: '$& ***' })
      expect(custom.string('a@b.co')).toBe('$& ***')
      expect(custom.value({ password: 'p' })).toEqual({ password: '$& ***' })
      expect(custom.url('/?token=t')).toBe('/?token=$& ***')
    })

    it.each([
      ['email', 'a@b.co'],
      ['bearer', 'Bearer abcdef'],
      ['jwt', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.sig'],
      ['card', '4111 1111 1111 1111'],
      ['ipv4', '192.168.0.1'],
      ['ipv6', '2001:db8::1'],
    ])('turns off the %s pattern alone', (name, text) => {
      expect(createScrubber({ disable: [name] }).string(text)).toBe(text)
      const others = ['email', 'bearer', 'jwt', 'card', 'ipv4', 'ipv6'].filter((other) => other !== name)
      expect(createScrubber({ disable: others }).string(text)).not.toBe(text)
    })

    it('still applies denied keys when every pattern is off', () => {
      const keysOnly = createScrubber({ disable: ['email', 'bearer', 'jwt', 'card', 'ipv4', 'ipv6'] })
      expect(keysOnly.value({ password: 'p', note: 'a@b.co' })).toEqual({ password: F, note: 'a@b.co' })
    })

    it('applies custom patterns everywhere, adding the g flag when it is missing', () => {
      const custom = createScrubber({ patterns: [/\bORDER-\d+\b/g, /acct_[a-z0-9]+/i] })
      expect(custom.string('ORDER-1 and ORDER-22, ACCT_x1 acct_y2')).toBe(`${F} and ${F}, ${F} ${F}`)
      expect(custom.value({ note: 'ORDER-7' })).toEqual({ note: F })
      expect(custom.url('/o/ORDER-9?ref=ORDER-10')).toBe(`/o/${F}?ref=${F}`)
    })

    it('does not share state between scrubbers or calls', () => {
      const pattern = /secret\d/g
      const a = createScrubber({ patterns: [pattern] })
      const b = createScrubber({ replacement: 'X', disable: ['email'] })
      expect(a.string('secret1 secret2')).toBe(`${F} ${F}`)
      expect(a.string('secret3')).toBe(F)
      expect(b.string('a@b.co 1.2.3.4')).toBe('a@b.co X')
      expect(pattern.lastIndex).toBe(0)
    })
  })

  describe('properties', () => {
    /** A secret as it appears in text, and the part of it that must not survive. */
    interface Secret {
      shown: string
      hidden: string
    }
    /** A string leaf of the generated tree, with the secrets injected into it. */
    class Text {
      readonly text: string
      readonly secrets: readonly string[]
      constructor(text: string, secrets: readonly string[]) {
        this.text = text
        this.secrets = secrets
      }
    }

    const card = fc
      .tuple(
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 11, maxLength: 17 }),
        fc.constantFrom('', ' ', '-'),
      )
      .map(([first, rest, separator]) =>
        withCheckDigit(`${first}${rest.join('')}`).replace(/\d{4}(?=\d)/g, `$&${separator}`),
      )
    const secret: fc.Arbitrary<Secret> = fc.oneof(
      fc
        .tuple(
          fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{5,15}$/),
          fc.stringMatching(/^[a-z]{3,10}$/),
          fc.constantFrom('com', 'co', 'io', 'org'),
        )
        .map(([user, domain, tld]) => `${user}@${domain}.${tld}`)
        .map((email) => ({ shown: email, hidden: email })),
      fc
        .tuple(...[20, 40, 30].map((max) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{8,${max}}$`))))
        .map(([a, b, c]) => `eyJ${a}.${b}.${c}`)
        .map((jwt) => ({ shown: jwt, hidden: jwt })),
      fc.stringMatching(/^[A-Za-z0-9._~+/-]{16,40}$/).map((token) => ({ shown: `Bearer ${token}`, hidden: token })),
      card.map((number) => ({ shown: number, hidden: number })),
      fc.ipV4().map((ip) => ({ shown: ip, hidden: ip })),
      fc
        .ipV6()
        .filter((ip) => ip !== '::')
        .map((ip) => ({ shown: ip, hidden: ip })),
    )
    // Secrets go in at random places of random text, each between spaces (a secret glued to other word
    // characters, like xa@b.co, is a different token).
    const text: fc.Arbitrary<Text> = fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.array(fc.tuple(fc.nat(), secret), { maxLength: 3 }))
      .map(([base, injections]) => {
        const cuts = injections.map(([at, s]) => [at % (base.length + 1), s] as const).sort((a, b) => a[0] - b[0])
        let out = ''
        let from = 0
        for (const [at, s] of cuts) {
          out += `${base.slice(from, at)} ${s.shown} `
          from = at
        }
        return new Text(
          out + base.slice(from),
          cuts.map(([, s]) => s.hidden),
        )
      })
    const marker = fc.uuid().map((id) => new Text(`secret-${id}`, [`secret-${id}`]))
    const deniedKey = fc
      .tuple(
        fc.constantFrom(...DEFAULT_DENY_KEYS),
        fc.array(fc.constantFrom('', '', '-', '_', ' '), { minLength: 16, maxLength: 16 }),
        fc.boolean(),
        fc.stringMatching(/^[a-zA-Z]{0,4}$/),
        fc.stringMatching(/^[a-zA-Z]{0,4}$/),
      )
      .map(([word, separators, upper, prefix, suffix]) => {
        // Short entries count only as whole words of a key: keep them whole, beside separated neighbours.
        if (word.length < 5) {
          const joiner = separators.find(Boolean) ?? '_'
          return [prefix, upper ? word.toUpperCase() : word, suffix].filter(Boolean).join(joiner)
        }
        const spaced = [...word].map((char, i) => char + (separators[i] ?? '')).join('')
        return prefix + (upper ? spaced.toUpperCase() : spaced) + suffix
      })
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(
          fc.constant(null),
          fc.boolean(),
          fc.integer(),
          fc.double({ noNaN: true, noDefaultInfinity: true }),
          text,
        ),
        fc.array(tie('node'), { maxLength: 4 }),
        fc
          .tuple(
            fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
            fc.array(fc.tuple(deniedKey, fc.oneof(marker, fc.jsonValue({ maxDepth: 2 }), tie('node'))), {
              maxLength: 2,
            }),
          )
          .map(([object, denied]) => ({ ...object, ...Object.fromEntries(denied) })),
      ),
    })).node
    /** Turns the generated tree into plain JSON data, collecting the secrets it holds. */
    const materialise = (node: unknown, secrets: string[]): unknown => {
      if (node instanceof Text) {
        secrets.push(...node.secrets)
        return node.text
      }
      if (Array.isArray(node)) return node.map((item) => materialise(item, secrets))
      if (node && typeof node === 'object') {
        return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, materialise(item, secrets)]))
      }
      return node
    }
    /** Walks input and output together: a denied key must hold the replacement, everything else keeps its shape. */
    const expectDeniedKeysReplaced = (input: unknown, output: unknown): void => {
      if (Array.isArray(input)) {
        expect(output).toHaveLength(input.length)
        input.forEach((item, i) => expectDeniedKeysReplaced(item, (output as unknown[])[i]))
      } else if (input && typeof input === 'object') {
        expect(Object.keys(output as object)).toEqual(Object.keys(input))
        for (const [key, item] of Object.entries(input)) {
          const result: unknown = Object.getOwnPropertyDescriptor(output, key)?.value
          if (isDeniedKey(key)) expect(result).toBe(F)
          else expectDeniedKeysReplaced(item, result)
        }
      } else if (typeof input !== 'string') {
        expect(output).toBe(input === 0 ? 0 : input)
      }
    }

    it('never throws on anything, and returns JSON data or the replacement', () => {
      fc.assert(
        fc.property(
          fc.anything({
            withBigInt: true,
            withBoxedValues: true,
            withDate: true,
            withMap: true,
            withSet: true,
            withNullPrototype: true,
            withObjectString: true,
            withSparseArray: true,
            withTypedArray: true,
            withUnicodeString: true,
          }),
          (input) => {
            let output: unknown
            expect(() => (output = scrubber.value(input))).not.toThrow()
            if (output !== undefined) expect(() => JSON.stringify(output)).not.toThrow()
          },
        ),
      )
    })

    it('returns JSON-serialisable data of the same shape for any JSON value', () => {
      fc.assert(
        fc.property(fc.jsonValue(), (input) => {
          const output = scrubber.value(input)
          expect(JSON.parse(JSON.stringify(output))).toEqual(output)
          expectDeniedKeysReplaced(input, output)
        }),
      )
    })

    it('leaves no denied key with its value and none of the injected secrets, at any depth', () => {
      fc.assert(
        fc.property(tree, (node) => {
          const secrets: string[] = []
          const input = materialise(node, secrets)
          const output = scrubber.value(input)
          expectDeniedKeysReplaced(input, output)
          const json = JSON.stringify(output)
          for (const s of secrets) expect(json).not.toContain(s)
        }),
      )
    })

    it('answers the same, every time, when it remembers the keys it judged (rememberRecent)', () => {
      const remembering = createScrubber({}, rememberRecent)
      fc.assert(
        fc.property(tree, (node) => {
          const input = materialise(node, [])
          const expected = scrubber.value(input)
          expect(remembering.value(input)).toEqual(expected)
          expect(remembering.value(input)).toEqual(expected)
        }),
      )
    })

    it('leaves none of the injected secrets in a single string', () => {
      fc.assert(
        fc.property(text, ({ text, secrets }) => {
          const output = scrubber.string(text)
          for (const s of secrets) expect(output).not.toContain(s)
        }),
      )
    })

    it('never throws on any string as a URL', () => {
      fc.assert(
        fc.property(
          fc.oneof(fc.string({ unit: 'grapheme' }), fc.webUrl({ withQueryParameters: true, withFragments: true })),
          (url) => {
            expect(typeof scrubber.url(url)).toBe('string')
          },
        ),
      )
    })

    it('hides userinfo, denied parameters and injected secrets in any web URL', () => {
      const token = fc.stringMatching(/^[A-Za-z0-9]{16,24}$/)
      fc.assert(
        fc.property(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          token,
          deniedKey,
          token,
          secret,
          (base, password, name, value, leaked) => {
            const withUser = base.replace('://', `://user:${password}@`)
            const url = `${withUser}${withUser.includes('?') ? '&' : '?'}${encodeURIComponent(name)}=${value}&q=${encodeURIComponent(leaked.shown)}`
            const output = scrubber.url(url)
            expect(output).not.toContain(password)
            expect(output).not.toContain(value)
            expect(output).not.toContain(leaked.hidden)
            expect(output).not.toContain(encodeURIComponent(leaked.hidden))
          },
        ),
      )
    })
  })
})

describe('createScrubber: the leaks of the adversarial review', () => {
  const scrubber = createScrubber()
  // Each case: where the secret hides, and the secret itself, which must not survive `string`.
  const cases: [string, string][] = [
    ['URL-encoded email in a query', 'GET /share?to=jane.doe%40example.com failed'],
    ['URL-encoded email in a path', 'https://app.example/users/jane.doe%40example.com/board'],
    ['internationalised email', 'mail jörg.müller@bücher.example please'],
    ['secret-named parameter in text', 'fetch https://api.example/v1?access_token=opaque-9f8e7d&page=2'],
    ['bare token parameter', 'retry with token=AbCdEf123456'],
    ['server session in a path', 'https://shop.example/cart;jsessionid=1A2B3C4D5E6F'],
    ['PHP session parameter', 'see https://x.example/?PHPSESSID=deadbeefcafe'],
    ['card with dots', 'paid with 4111.1111.1111.1111 today'],
    ['bearer with a colon', 'authorization bearer:abcDEF123456xyz'],
    ['JWT glued on with an underscore', 'cache key token_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_1'],
  ]
  const secrets = [
    'jane.doe%40example.com',
    'jörg.müller@bücher.example',
    'opaque-9f8e7d',
    'AbCdEf123456',
    '1A2B3C4D5E6F',
    'deadbeefcafe',
    '4111.1111.1111.1111',
    'abcDEF123456xyz',
    'eyJhbGciOiJIUzI1NiJ9',
  ]

  it.each(cases)('removes a %s', (_, text) => {
    const scrubbed = scrubber.string(text)
    for (const secret of secrets) expect(scrubbed).not.toContain(secret)
    expect(scrubbed).toContain(F)
  })

  it('keeps what is not personal around them', () => {
    expect(scrubber.string('width=200 height=100 v1.2.3 at 12:30:45')).toBe('width=200 height=100 v1.2.3 at 12:30:45')
    expect(scrubber.string('fetch https://api.example/v1?access_token=x&page=2')).toBe(
      `fetch https://api.example/v1?access_token=${F}&page=2`,
    )
    expect(scrubber.string('file.min.js and my_eyJ.txt stay')).toBe('file.min.js and my_eyJ.txt stay')
  })

  it('stays linear on hostile runs of the new patterns (the test time-out is the check)', () => {
    for (const unit of ['_eyJ', 'a%40', 'a=', 'token=', 'ü.', '4.1']) {
      const text = unit.repeat(250_000)
      expect(typeof scrubber.string(text)).toBe('string')
    }
  })
})

describe('rememberRecent', () => {
  it('judges each short input once while it is remembered, a false answer too', () => {
    const judged: string[] = []
    const remembered = rememberRecent((input: string) => (judged.push(input), input.length > 3))
    expect([remembered('ab'), remembered('abcd'), remembered('ab'), remembered('abcd')]).toEqual([
      false,
      true,
      false,
      true,
    ])
    expect(judged).toEqual(['ab', 'abcd'])
  })

  it('never remembers an input longer than 64 characters', () => {
    const judged: string[] = []
    const remembered = rememberRecent((input: string) => judged.push(input))
    const long = 'x'.repeat(65)
    for (const input of [long, long, 'x'.repeat(64), 'x'.repeat(64)]) remembered(input)
    expect(judged).toEqual([long, long, 'x'.repeat(64)])
  })

  it('starts over after 500 inputs, so a stream of one-off inputs holds at most 500', () => {
    let calls = 0
    const remembered = rememberRecent((input: string) => (calls++, input))
    for (let i = 0; i < 500; i++) remembered(`k${i}`)
    remembered('k0')
    expect(calls).toBe(500)
    // The 501st: remembered from scratch, with nothing before it.
    remembered('k500')
    remembered('k1')
    expect(calls).toBe(502)
    remembered('k500')
    expect(calls).toBe(502)
  })
})

/**
 * How a scrubber decides what is personal data. Every field is optional; the defaults are safe.
 *
 * @example
 * const options: ScrubOptions = { denyKeys: ['customerRef'], allowKeys: ['token_count'], disable: ['ipv4'] }
 */
export interface ScrubOptions {
  /** Extra keys to redact (case-insensitive substring match against normalised keys), added to the defaults. */
  denyKeys?: readonly string[]
  /** Keys that are never redacted even if they match (e.g. 'token_count'). Compared whole, after normalising. */
  allowKeys?: readonly string[]
  /** Extra value patterns (global RegExps) whose matches are replaced. A pattern without the `g` flag gets it. */
  patterns?: readonly RegExp[]
  /**
   * Turn off the default value patterns, one by one: 'param' (secret-named `name=value` in text) | 'email' |
   * 'bearer' | 'jwt' | 'card' | 'ipv4' | 'ipv6'.
   */
  disable?: readonly string[]
  /** Replacement text, default '[Filtered]'. */
  replacement?: string
}

/**
 * Removes personal data from what the SDK is about to send. Its methods never throw: on input they cannot
 * read they return the replacement text.
 *
 * @example
 * const scrubber: Scrubber = createScrubber()
 * scrubber.string('mail a@b.co') // 'mail [Filtered]'
 */
export interface Scrubber {
  /**
   * Deep-scrubs JSON-like data (the output of the core `serialize`: null/boolean/number/string/arrays/plain
   * objects), returning a NEW value; never mutates, never throws. Anything else follows `JSON.stringify`
   * (a Date becomes its ISO string, a Map `{}`, a function property is dropped); input JSON cannot hold at
   * all (a cycle, a BigInt, nesting deeper than the engine's stack) comes back as the replacement text, and
   * `undefined` as `undefined`.
   */
  value<T>(value: T): T
  /** Scrubs one string (value patterns only). */
  string(text: string): string
  /**
   * Scrubs a URL: query-string and fragment parameters whose NAME is denylisted get their value replaced; every
   * parameter value also gets the value patterns; userinfo (user:pass@) removed. Works on absolute and relative
   * URLs and on garbage input (returns it pattern-scrubbed).
   *
   * Parameters are split on `?`, `&`, `;` and `#`, so none hides inside another's value. An encoded value whose
   * decoded form holds personal data (`a%40b.co`) is replaced whole. The value patterns then run over the
   * whole URL, path and host included, so an IP address host is replaced too.
   */
  url(url: string): string
}

/**
 * The keys whose values are always redacted, already normalised (lowercase, no `-`, `_` or spaces). A key
 * matches when its normalised form contains one of them, so `X-Api-Key`, `access_token`, `Authorization`,
 * `Set-Cookie` and `userEmail` all match (which is why `setcookie` and `sessiontoken` need no entry of their
 * own); entries shorter than five letters (`ssn`, `pwd`, `cvv`, `auth`, `csrf`, `xsrf`, `iban`) match only a
 * whole word of the key (`user_ssn`, `authKey`, `X-CSRF-Token`), so `className` and `author` are kept. `session` is
 * deliberately absent: the SDK's own `sessionId` must
 * survive. Substring matching still errs towards redacting (`cookieEnabled` matches); list such keys in
 * `allowKeys`.
 *
 * @example
 * createScrubber({ denyKeys: [...DEFAULT_DENY_KEYS, 'dob'] }) // the defaults are always on; this adds 'dob'
 */
export const DEFAULT_DENY_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'token',
  'apikey',
  'auth',
  'authorization',
  'cookie',
  'sessionkey',
  'csrf',
  'xsrf',
  'credential',
  'privatekey',
  'email',
  'phone',
  'ssn',
  'creditcard',
  'cardnumber',
  'cvv',
  'iban',
  // Server session cookies that travel in URLs (`;jsessionid=`, `PHPSESSID=`): secrets, unlike the SDK's `sessionId`.
  'jsessionid',
  'sessid',
]

/**
 * `judge`, remembered for the short inputs it was last asked about (up to 500 of at most 64 characters; it starts
 * over when full, so a stream of one-off inputs costs only its own work). Given to `createScrubber` on a hot path,
 * the keys an app repeats on every event (its property names) are judged once: analytics scrubs every `track()`,
 * and judging its keys was a quarter of that call's time (`pnpm run bench analytics`: `track()` with 5 properties
 * 8.4 → 6.2 µs in Chromium). A feature that scrubs rarely (crash reports) leaves it out, and its bytes with it.
 *
 * @example
 * const scrubber = createScrubber(options, rememberRecent)
 */
export function rememberRecent<T>(judge: (input: string) => T): (input: string) => T {
  const known = new Map<string, T>()
  return (input) => {
    let value = known.get(input)
    if (value === undefined) {
      value = judge(input)
      // Short inputs only: a long one (a stack, a message) seldom comes again and would hold memory.
      if (input.length <= 64) {
        if (known.size >= 500) known.clear()
        known.set(input, value)
      }
    }
    return value
  }
}

/**
 * Builds a scrubber for keys, strings and URLs. `remember`: how its judgements of keys are kept (`rememberRecent`
 * on a hot path; by default none are).
 *
 * Every default pattern runs in linear time: each one either starts only at a token boundary (a leading
 * group that cannot match inside the token) or consumes whole runs, so a megabyte of adversarial text costs
 * milliseconds, not minutes. Lookbehind is avoided on purpose: a regex literal using it is a syntax error
 * that would break the whole bundle in Safari before 16.4.
 *
 * @example
 * const scrubber = createScrubber({ allowKeys: ['token_count'] })
 * scrubber.value({ password: 'hunter2', tokenCount: 3, note: 'call 4111 1111 1111 1111' })
 * // { password: '[Filtered]', tokenCount: 3, note: 'call [Filtered]' }
 * scrubber.url('https://u:p@x.io/a?email=a%40b.co&page=2#access_token=abc')
 * // 'https://x.io/a?email=[Filtered]&page=2#access_token=[Filtered]'
 */
/* @__NO_SIDE_EFFECTS__ */
export function createScrubber(options: ScrubOptions = {}, remember?: typeof rememberRecent): Scrubber {
  const { replacement = '[Filtered]', disable = [] } = options
  const normalise = (key: string): string => key.toLowerCase().replace(/[-_ ]/g, '')
  // An empty deny key would be a substring of every key and redact everything.
  const denyKeys = [...DEFAULT_DENY_KEYS, ...(options.denyKeys || [])].map(normalise).filter(Boolean)
  const allowKeys = (options.allowKeys || []).map(normalise)
  const judge = (key: string): boolean => {
    // Short entries (ssn, pwd, cvv, auth, csrf, iban) match whole words of the key only, so `className` and
    // `author` are kept while `user_ssn`, `authKey` and `X-Auth` are not; longer ones match anywhere.
    const words = key
      .replace(/([a-z\d])([A-Z])/g, '$1 $2')
      .toLowerCase()
      .split(/[^a-z\d]+/)
    key = normalise(key)
    return (
      !allowKeys.includes(key) && denyKeys.some((deny) => (deny.length < 5 ? words.includes(deny) : key.includes(deny)))
    )
  }
  const isDenied = remember ? remember(judge) : judge
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text)
    } catch {
      return text
    }
  }

  // A run of digit groups ("4111 1111 1111 1111 12") may hold a card between other numbers, so every window
  // of whole groups is tried, longest first from each group. Marking instead of splicing keeps it linear.
  const redactCards = (run: string): string => {
    const parts = run.split(/([ .-])/)
    for (let i = 0; i < parts.length; i += 2) {
      // Issuer ranges 2–6 (Mastercard, Amex, Visa, Discover, …) only: that keeps 13-digit millisecond
      // timestamps, which start with 1 until 2033, from being taken for cards one time in ten.
      if (parts[i]! < '2' || parts[i]! >= '7') continue
      let end = 0
      // `odd` and `even` are the window's Luhn sums with its last digit taken once or doubled: appending a
      // digit swaps them, so each longer window costs one step instead of a fresh pass.
      for (let j = i, count = 0, odd = 0, even = 0; j < parts.length && count < 19; j += 2) {
        const group = parts[j]!
        for (let k = 0; k < group.length && count < 20; k++, count++) {
          const n = group.charCodeAt(k) - 48
          const previous = odd
          odd = even + n
          even = previous + (n > 4 ? n * 2 - 9 : n * 2)
        }
        if (count > 12 && count < 20 && odd % 10 === 0) end = j + 1
      }
      if (end) {
        parts.fill('', i, end)[i] = replacement
        i = end - 1
      }
    }
    return parts.join('')
  }
  // The candidate regex only finds colon-separated hex tokens; the address structure is checked here, which
  // is what keeps times (12:30:45) and MAC addresses (six groups) out.
  const isIpv6 = (text: string): boolean => {
    const halves = text.split('::')
    const groups = halves.filter(Boolean).join(':').split(':')
    // A dotted IPv4 tail fills two of the eight groups.
    const count = groups.length + (text.includes('.') ? 1 : 0)
    return halves.length < 3 && groups.every(Boolean) && (halves.length > 1 ? count < 8 : count === 8)
  }

  const ipv4 = '\\d{1,3}(?:\\.\\d{1,3}){3}'
  // Group 1 is kept as it was (the boundary, or the word Bearer); group 2 is replaced, or handed to the check.
  const rules: Record<string, [RegExp, ((candidate: string) => string)?]> = {
    // `name=value` in free text (an error message quoting a URL, a title): a secret-named parameter's value.
    param: [
      /(^|[?&;#\s])([\w.-]+=[^\s&;#?'"]+)/g,
      (candidate) => {
        const at = candidate.indexOf('=') + 1
        return isDenied(candidate.slice(0, at - 1)) ? candidate.slice(0, at) + replacement : candidate
      },
    ],
    bearer: [/(\bbearer[\s:=]+)([\w.~+/-]+=*)/gi],
    jwt: [/(^|[^\w-])(eyJ[\w-]*\.[\w-]+\.[\w-]*)/g],
    // A token glued on with an underscore (`token_eyJ…`): each dotted three-part run is found once, from its
    // start, and its first part searched for `_eyJ` — one pass, where a regex starting at every `_` would not be.
    glued: [
      /(^|[^\w-])([\w-]+\.[\w-]+\.[\w-]*)/g,
      (candidate) => {
        const at = candidate.slice(0, candidate.indexOf('.')).indexOf('_eyJ') + 1
        return at ? candidate.slice(0, at) + replacement : candidate
      },
    ],
    // Internationalised addresses (`jörg@bücher.de`) and URL-encoded ones (`jane.doe%40example.com`) too.
    email: [/(^|[^\p{L}\p{N}_.%+-])([\p{L}\p{N}_.%+-]+(?:@|%40)[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+)/gu],
    card: [/()(\d(?:[ .-]?\d){12,})/g, redactCards],
    ipv6: [
      RegExp(`(^|[^\\w:.])(?=:*[\\da-f])((?:[\\da-f]{0,4}:){2,8}(?:${ipv4}|[\\da-f]{1,4})?)(?!:|\\.?\\w)`, 'gi'),
      (candidate) => (isIpv6(candidate) ? replacement : candidate),
    ],
    ipv4: [
      RegExp(`(^|[^\\w.])(${ipv4})(?!\\.?\\w)`, 'g'),
      (candidate) => (candidate.split('.').every((octet) => +octet < 256) ? replacement : candidate),
    ],
  }
  const active = Object.entries(rules).filter(([name]) => !disable.includes(name))
  const custom = (options.patterns || []).map((pattern) => RegExp(pattern, pattern.flags.replace('g', '') + 'g'))
  // `url()` judges its parameters itself (decoded too), so its final pass skips the `param` rule.
  const scrubString = (text: string, inUrl?: boolean): string => {
    for (const [name, [pattern, check]] of active) {
      if (inUrl && name === 'param') continue
      text = text.replace(
        pattern,
        (_, keep: string, candidate: string) => keep + (check ? check(candidate) : replacement),
      )
    }
    for (const pattern of custom) text = text.replace(pattern, () => replacement)
    return text
  }

  // A getter or proxy that throws, or a non-string from untyped callers: hide the whole input, never throw.
  const guard = <T>(run: () => T): T | string => {
    try {
      return run()
    } catch {
      return replacement
    }
  }

  return {
    // A JSON round trip walks the data natively, copies it, and keeps an own "__proto__" key as data; the
    // reviver runs children first, so a denied key's value is replaced whole. Nesting deep enough to exhaust
    // the engine's stack throws a RangeError there, which the guard turns into the replacement.
    value: <T>(value: T) =>
      guard(() =>
        value === undefined
          ? value
          : JSON.parse(JSON.stringify(value), (key, item: unknown) =>
              isDenied(key) ? replacement : typeof item === 'string' ? scrubString(item) : item,
            ),
      ) as T,
    string: (text) => guard(() => scrubString(text)),
    url: (url) =>
      guard(() =>
        scrubString(
          url.replace(/^([a-z][\w+.-]*:)?\/\/[^/?#]*@/i, '$1//').replace(
            /([?#&;])([^?#&;=]*)=([^?#&;]*)/g,
            // An encoded value is also judged decoded (a%40b.co is an email), and replaced whole if anything in
            // it is personal: re-encoding a partly replaced value could change how the URL parses. A plain value
            // is left to the pass over the whole URL, which replaces only the personal part.
            (_, separator: string, name: string, value: string) =>
              `${separator}${name}=${
                isDenied(decode(name)) || (value.includes('%') && scrubString(decode(value)) !== decode(value))
                  ? replacement
                  : value
              }`,
          ),
          true,
        ),
      ),
  }
}

import { describe, expect, it } from 'vitest'
import { isSafeUrl } from './isSafeUrl'
import { isSameOriginUrl } from './isSameOriginUrl'
import { OTHER_ORIGIN_FORMS, SAME_ORIGIN_FORMS } from './urlForms.fixture'

const ORIGIN = 'https://app.example'

describe('isSameOriginUrl', () => {
  it.each(OTHER_ORIGIN_FORMS)('refuses %j as another origin (or not http)', (url) =>
    expect(isSameOriginUrl(url, ORIGIN)).toBe(false),
  )

  it.each(SAME_ORIGIN_FORMS)('accepts %j on the same origin', (url) => expect(isSameOriginUrl(url, ORIGIN)).toBe(true))

  it('takes the origin as an origin or any URL on it, and refuses one it cannot parse', () => {
    expect(isSameOriginUrl('/x', 'https://app.example/some/page?q=1')).toBe(true)
    expect(isSameOriginUrl('//app.example/x', 'https://app.example/')).toBe(true)
    expect(isSameOriginUrl('/x', 'null')).toBe(false)
    expect(isSameOriginUrl('/x', '')).toBe(false)
    expect(isSameOriginUrl('x', 'data:text/plain,hi')).toBe(false)
  })

  it('never throws, whatever it is given', () => {
    const hostile = {
      toString: () => {
        throw new Error('no')
      },
    }
    for (const value of [undefined, null, 42, Symbol('x'), hostile, {}]) {
      expect(isSameOriginUrl(value as never, ORIGIN)).toBe(false)
      expect(isSameOriginUrl('/x', value as never)).toBe(false)
      expect(typeof isSafeUrl(value as never)).toBe('boolean')
    }
  })
})

describe('isSafeUrl (not script-capable, which is not the same as same-origin)', () => {
  it('lets protocol-relative and backslash links to other sites through: they run no script', () => {
    for (const url of ['//evil.com', '/\\evil.com', '\\\\evil.com', '/\t/evil.com', 'https://app.example@evil.com']) {
      expect(isSafeUrl(url), url).toBe(true)
      expect(isSameOriginUrl(url, ORIGIN), url).toBe(false)
    }
  })
})

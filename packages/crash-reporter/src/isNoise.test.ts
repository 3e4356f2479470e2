import { describe, expect, it } from 'vitest'
import { fingerprint } from './fingerprint'
import { isNoise } from './isNoise'
import { parseStack } from './parseStack'
import type { ExceptionEntry } from './types'

const entry = (message: string, stack = '', type = 'Error'): ExceptionEntry => ({
  type,
  message,
  frames: parseStack(stack),
})

describe('isNoise', () => {
  it('filters ResizeObserver loop notices and cross-origin "Script error."', () => {
    expect(isNoise(entry('ResizeObserver loop limit exceeded'), {})).toBe(true)
    expect(isNoise(entry('ResizeObserver loop completed with undelivered notifications.'), {})).toBe(true)
    expect(isNoise(entry('Script error.'), {})).toBe(true)
    expect(isNoise(entry('Script error in my parser'), {})).toBe(false)
  })

  it('filters errors whose frames are all in browser extensions, not those that pass through one', () => {
    const ext = 'Error\n    at a (chrome-extension://x/a.js:1:1)\n    at b (moz-extension://y/b.js:1:1)'
    expect(isNoise(entry('x', ext), {})).toBe(true)
    expect(isNoise(entry('x', ext + '\n    at c (https://app.example/c.js:1:1)'), {})).toBe(false)
  })

  it('applies ignoreErrors to "Type: message" and denyUrls to the newest frame', () => {
    expect(isNoise(entry('The user aborted', '', 'AbortError'), { ignoreErrors: ['AbortError:'] })).toBe(true)
    expect(isNoise(entry('ok'), { ignoreErrors: [/^TypeError/] })).toBe(false)
    const stack = 'Error\n    at a (https://ads.example/t.js:1:1)\n    at b (https://app.example/b.js:1:1)'
    expect(isNoise(entry('x', stack), { denyUrls: [/ads\.example/] })).toBe(true)
    expect(isNoise(entry('x', stack), { denyUrls: ['app.example'] })).toBe(false)
  })
})

describe('fingerprint', () => {
  it('is equal for the same error with other numbers, and differs by type and in-app frames', () => {
    const stack = 'Error\n    at lib (https://cdn.example/l.js:1:1)\n    at draw (https://app.example/a.js:10:1)'
    const a = fingerprint({ ...entry('item 42 missing (0x1f)', stack), frames: parseStack(stack, ['app.example']) })
    const b = fingerprint({ ...entry('item 7 missing (0xff)', stack), frames: parseStack(stack, ['app.example']) })
    expect(a).toBe(b)
    expect(a).toContain('draw@https://app.example/a.js:10')
    expect(a).not.toContain('cdn.example')
    expect(fingerprint(entry('item 42 missing', stack, 'TypeError'))).not.toBe(
      fingerprint(entry('item 42 missing', stack)),
    )
  })
})

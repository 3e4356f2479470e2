// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { createScrubber, type GlobalScope } from '@marco/core'
import { readBatchContext } from './readBatchContext'

describe('readBatchContext', () => {
  it('describes page, referrer, UTM, viewport, pixel ratio, language and time zone, scrubbed', () => {
    history.replaceState(null, '', '/board?utm_source=news&utm_campaign=launch&email=ada@example.com')
    Object.defineProperty(document, 'referrer', {
      value: 'https://search.example/?q=marco&token=abc',
      configurable: true,
    })
    const context = readBatchContext(window as unknown as GlobalScope, createScrubber())
    expect(context).toMatchObject({
      url: 'http://localhost:3000/board?utm_source=news&utm_campaign=launch&email=[Filtered]',
      utm: { source: 'news', campaign: 'launch' },
      referrer: 'https://search.example/?q=marco&token=[Filtered]',
      viewport: { width: window.innerWidth, height: window.innerHeight },
      dpr: window.devicePixelRatio,
      language: navigator.language,
    })
    expect(typeof context.timeZone).toBe('string')
  })

  it('adds client hints where the browser has them, and works with nothing at all', () => {
    const scope = {
      navigator: {
        language: 'fr',
        userAgentData: { brands: [{ brand: 'Chromium', version: '156' }], mobile: false, platform: 'Linux' },
      },
    } as unknown as GlobalScope
    expect(readBatchContext(scope, createScrubber())).toMatchObject({
      language: 'fr',
      client: { mobile: false, platform: 'Linux' },
    })
    expect(() => readBatchContext({}, createScrubber())).not.toThrow()
  })
})

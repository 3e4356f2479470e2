import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, type LaunchedChromium } from '@marco/testing'
import { isSameOriginUrl } from './isSameOriginUrl'
import { OTHER_ORIGIN_FORMS, SAME_ORIGIN_FORMS } from './urlForms.fixture'

let chromium: LaunchedChromium

beforeAll(async () => {
  chromium = await launchChromium()
})

afterAll(async () => {
  await chromium?.close()
})

describe('isSameOriginUrl in Chromium', () => {
  it('agrees with where Chromium sends a link for every form of the corpus', async () => {
    const page = await chromium.browser.newPage()
    try {
      // A page "on" https://app.example: links resolve against its base, as on the real site.
      await page.setContent(
        '<!doctype html><html><head><base href="https://app.example/canvas/"><link rel="icon" href="data:,"></head><body></body></html>',
      )
      const forms = [...OTHER_ORIGIN_FORMS, ...SAME_ORIGIN_FORMS]
      const resolved = await page.evaluate(
        (hrefs) =>
          hrefs.map((href) => {
            const link = document.createElement('a')
            link.setAttribute('href', href)
            return /^https?:$/.test(link.protocol) && link.origin === 'https://app.example'
          }),
        forms,
      )
      const ours = forms.map((form) => isSameOriginUrl(form, 'https://app.example/canvas/'))
      expect(ours).toEqual(resolved)
      // And the corpus says what it means: Chromium sends every "other" form elsewhere.
      expect(resolved.slice(0, OTHER_ORIGIN_FORMS.length).every((same) => !same)).toBe(true)
      expect(resolved.slice(OTHER_ORIGIN_FORMS.length).every(Boolean)).toBe(true)
    } finally {
      await page.close()
    }
  })
})

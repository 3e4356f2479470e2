// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { createFakeContext, type FakeScope } from '@marco/testing'
import { CrashReporter } from './CrashReporter'

describe('CrashReporter in a DOM', () => {
  it('records a click as a short CSS path of its target, never its text', () => {
    document.body.innerHTML =
      '<main><div class="toolbar dark wide"><span><button id="save" class="primary">Save Ada Lovelace’s card</button></span></div></main>'
    const context = createFakeContext({
      scope: window as unknown as FakeScope,
      consent: { defaults: { crash: 'granted' } },
    })
    const reporter = new CrashReporter({ breadcrumbs: { console: false, fetch: false } })
    const stop = reporter.setup(context)
    document.querySelector('button')!.click()
    document.querySelector('span')!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    reporter.captureMessage('after click')
    const crumbs = context.queue.events[0]!.payload.breadcrumbs as { category: string; message: string }[]
    expect(crumbs.map((crumb) => crumb.message)).toEqual(['button#save.primary', 'main > div.toolbar.dark > span'])
    expect(JSON.stringify(context.queue.events)).not.toContain('Lovelace')
    stop()
  })

  it('reports the environment of the page in the error report', () => {
    const context = createFakeContext({ scope: window as unknown as FakeScope })
    const reporter = new CrashReporter()
    reporter.setup(context)
    const report = reporter.generateErrorReport()
    expect(report.environment).toMatchObject({
      userAgent: expect.stringContaining('jsdom'),
      viewport: expect.stringMatching(/^\d+x\d+@\d/),
    })
    expect(report.text).toContain('Environment (')
    reporter.stop()
  })
})

// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as api from './index'

describe('@marco/crash-reporter in plain Node', () => {
  it('imports without a window and exports the public surface', () => {
    expect(Object.keys(api).sort()).toEqual(['CrashReporter', 'createSentryTransport', 'parseStack', 'toSentryEvent'])
  })

  it('starts, captures and stops without a DOM and without consent, doing nothing and throwing nothing', async () => {
    const reporter = new api.CrashReporter({
      endpoint: 'http://127.0.0.1:9/v1/batch',
      queueOptions: { storage: false },
    })
    const stop = reporter.start()
    reporter.captureException(new Error('server side'))
    expect(reporter.generateErrorReport().errors).toEqual([])
    stop()
    await reporter.flush()
  })
})

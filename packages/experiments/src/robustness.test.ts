// What an unlucky app cannot do to experiments — consent answered after start, then withdrawn; more than 50
// experiments; a definition list that is not a list; weights past the largest number; an unknown key read every
// frame: each case was a defect, and each test fails without its fix.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakeContext, createFakeScope, createMemoryStorage, startTestCollector } from '@marco/testing'
import { Consent } from '@marco/core'
import { describe, expect, it } from 'vitest'
import { defineExperiment } from './defineExperiment'
import { Experiments } from './Experiments'
import { isExperimentDefinition } from './isExperimentDefinition'
import type { ExperimentDefinition } from './types'

const smoothing = defineExperiment({ key: 'smoothing', variants: ['off', 'on'], weights: [1, 1] })
const GRANTED = { defaults: { analytics: 'granted' as const } }

describe('Experiments: robustness', () => {
  it('used alone, revoking analytics consent keeps a queued exposure from reaching the collector', async () => {
    const collector = await startTestCollector()
    try {
      // One consent state shared with the app's banner, as the other features accept (`Consent | ConsentOptions`).
      const consent = new Consent(GRANTED)
      const experiments = new Experiments({
        experiments: [smoothing],
        id: () => 'anon-1',
        endpoint: collector.endpoint,
        consent: consent as never,
        scope: createFakeScope({ overrides: { fetch } }),
        queueOptions: { storage: false, flushIntervalMs: 60_000 },
      })
      experiments.start()
      experiments.variant('smoothing') // one exposure queued
      // The user withdraws analytics consent before the batch leaves.
      consent.deny('analytics')
      await experiments.stop()
      const events = collector.requests.flatMap((request) => (request.body as { events: { type: string }[] }).events)
      expect(events.map((event) => event.type)).toEqual([])
    } finally {
      await collector.close()
    }
  })

  it('leaves out a definition whose weights add up past the largest number (every id would get the last variant)', () => {
    const huge = { key: 'huge', variants: ['a', 'b'], weights: [1e308, 1e308] }
    expect(isExperimentDefinition(huge)).toBe(false)
    const experiments = new Experiments({ experiments: [huge], id: () => 'anon-1' })
    experiments.setup(createFakeContext({ consent: GRANTED }))
    expect(experiments.variant('huge' as never)).toBeUndefined()
  })

  it('sends no second exposure on a reload within the session, also with more than 50 experiments', () => {
    const scope = { ...createFakeScope(), sessionStorage: createMemoryStorage() }
    const definitions = Array.from({ length: 60 }, (_, i) => ({ key: `exp-${i}`, variants: ['a', 'b'] }))
    const page = () => {
      const context = createFakeContext({ scope, consent: GRANTED, sessionId: 'same-session' })
      const experiments = new Experiments({ experiments: definitions, id: () => 'anon-1' })
      experiments.setup(context)
      for (const { key } of definitions) experiments.variant(key)
      return context.queue.ofType('experiment_exposure').length
    }
    expect(page()).toBe(60)
    expect(page()).toBe(0) // the reload: one exposure per experiment per session
  })

  it('never throws into the page when `experiments` is not a list', () => {
    const warn: unknown[] = []
    const scope = createFakeScope({ overrides: { console: { warn: (m: unknown) => warn.push(m) } } })
    expect(
      () => new Experiments({ experiments: { smoothing } as never, id: () => 'anon-1', debug: true, scope }),
    ).not.toThrow()
  })

  it('warns once, not on every call, for the same unknown key', () => {
    const warnings: unknown[] = []
    const scope = createFakeScope({ overrides: { console: { warn: (m: unknown) => warnings.push(m) } } })
    const experiments = new Experiments({ experiments: [smoothing], id: () => 'anon-1', debug: true, scope })
    experiments.setup(createFakeContext({ scope, consent: GRANTED }))
    for (let i = 0; i < 100; i++) experiments.variant('smoothnig' as never) // a typo, read every frame
    expect(warnings).toHaveLength(1)
  })

  it('applies the definitions an earlier page stored when analytics consent is granted after setup', async () => {
    const body = JSON.stringify({ experiments: [{ key: 'toolbar', variants: ['left', 'right'], weights: [0, 1] }] })
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/experiments`
      const localStorage = createMemoryStorage()
      const scope = { ...createFakeScope({ localStorage }), fetch: globalThis.fetch.bind(globalThis) }
      const page = () =>
        new Experiments<readonly ExperimentDefinition[]>({
          experiments: [smoothing],
          id: () => 'anon-1',
          definitionsUrl: url,
        })
      // Page 1: the app starts the client, the consent banner is accepted: definitions fetched and stored.
      const first = createFakeContext({ scope })
      page().setup(first)
      first.consent.grant('analytics')
      await expect.poll(() => localStorage.getItem('marco_experiments')).not.toBeNull()
      // Page 2: same flow as every page (start, then the app grants the consent it remembers).
      const second = createFakeContext({ scope })
      const next = page()
      next.setup(second)
      second.consent.grant('analytics')
      expect(next.variant('toolbar')).toBe('right')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakeContext, createFakeScope, createMemoryStorage, startTestCollector } from '@marco/testing'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { assignVariant } from './assignVariant'
import { defineExperiment } from './defineExperiment'
import { Experiments } from './Experiments'
import type { ExperimentDefinition } from './types'

const smoothing = defineExperiment({ key: 'smoothing', variants: ['off', 'on'], weights: [1, 1] })
const renderer = defineExperiment({ key: 'renderer', variants: ['canvas2d', 'webgl', 'webgpu'], weights: [2, 1, 1] })
const GRANTED = { defaults: { analytics: 'granted' as const } }

/** An id whose assignment in `definition` is `variant`. */
function idFor(definition: ExperimentDefinition, variant: string, prefix = 'anon'): string {
  for (let i = 0; ; i++) if (assignVariant(definition, `${prefix}-${i}`) === variant) return `${prefix}-${i}`
}

describe('Experiments', () => {
  it('types variant() by the coded definitions', () => {
    const experiments = new Experiments({ experiments: [smoothing, renderer], id: () => 'x' })
    expectTypeOf(experiments.variant('renderer')).toEqualTypeOf<'canvas2d' | 'webgl' | 'webgpu'>()
    expectTypeOf(experiments.variant('smoothing')).toEqualTypeOf<'off' | 'on'>()
    // @ts-expect-error: not a coded key
    experiments.variant('nope')
    expect(['canvas2d', 'webgl', 'webgpu']).toContain(experiments.variant('renderer'))
  })

  it('gives the same variant on every reload for the same anonymous id, and follows the user id after identify', () => {
    const anon = idFor(renderer, 'webgl')
    const page = (id: string) => new Experiments({ experiments: [renderer], id: () => id }).variant('renderer')
    expect([page(anon), page(anon), page(anon)]).toEqual(['webgl', 'webgl', 'webgl'])
    // After identify the id is the user's: the same variant on every later page and on another device.
    const user = idFor(renderer, 'webgpu', 'user')
    let current = anon
    const experiments = new Experiments({ experiments: [renderer], id: () => current })
    expect(experiments.variant('renderer')).toBe('webgl')
    current = user // identify() in the middle of the page: the variant the user sees does not flip
    expect(experiments.variant('renderer')).toBe('webgl')
    expect([page(user), page(user)]).toEqual(['webgpu', 'webgpu'])
    expect(new Experiments({ experiments: [renderer], id: () => user }).variant('renderer')).toBe('webgpu')
  })

  it('sends one exposure per experiment per session on the first read, with what the collector needs to verify it', () => {
    const context = createFakeContext({ consent: GRANTED })
    const id = idFor(smoothing, 'on')
    const experiments = new Experiments({ experiments: [smoothing, renderer], id: () => id })
    experiments.setup(context)
    expect(context.queue.events).toEqual([]) // nothing at definition or setup time
    for (let i = 0; i < 5; i++) expect(experiments.variant('smoothing')).toBe('on')
    const exposures = context.queue.ofType('experiment_exposure')
    expect(exposures).toHaveLength(1)
    expect(exposures[0]).toMatchObject({ category: 'analytics', sessionId: 'session-1' })
    expect(exposures[0]!.payload).toMatchObject({
      experiment: 'smoothing',
      variant: 'on',
      unitId: id,
      variants: ['off', 'on'],
      weights: [1, 1],
    })
    expect(
      assignVariant(
        { ...smoothing, key: exposures[0]!.payload.experiment as string },
        exposures[0]!.payload.unitId as string,
      ),
    ).toBe('on')
    expect(experiments.batchContext()).toEqual({ experiments: { smoothing: 'on' } })
  })

  it('sends a new exposure when the session changes', () => {
    let session = 's1'
    const context = { ...createFakeContext({ consent: GRANTED }), sessionId: () => session }
    const experiments = new Experiments({ experiments: [smoothing], id: () => 'anon-1' })
    experiments.setup(context)
    experiments.variant('smoothing')
    experiments.variant('smoothing')
    session = 's2'
    experiments.variant('smoothing')
    expect(context.queue.ofType('experiment_exposure').map((event) => event.sessionId)).toEqual(['s1', 's2'])
  })

  it('sends no second exposure when the page reloads within the same session, and forgets that on revocation', () => {
    const scope = { ...createFakeScope(), sessionStorage: createMemoryStorage() }
    const page = () => createFakeContext({ scope, consent: GRANTED, sessionId: 'same-session' })
    const first = page()
    const reads = (context: ReturnType<typeof createFakeContext>) => {
      const experiments = new Experiments({ experiments: [smoothing], id: () => 'anon-1' })
      experiments.setup(context)
      experiments.variant('smoothing')
      return context.queue.ofType('experiment_exposure').length
    }
    expect(reads(first)).toBe(1)
    expect(reads(page())).toBe(0) // the reload
    // Which experiments were exposed in the session, never the variant.
    expect(scope.sessionStorage.getItem('marco_experiments_exposed')).toBe(
      JSON.stringify(['same-session\u001fsmoothing']),
    )
    const revoked = page()
    new Experiments({ experiments: [smoothing], id: () => 'anon-1' }).setup(revoked)
    revoked.consent.deny('analytics')
    expect(scope.sessionStorage.getItem('marco_experiments_exposed')).toBeNull()
  })

  it('sends nothing before analytics consent, then the exposure of what was read once it is granted', () => {
    const context = createFakeContext()
    const experiments = new Experiments({ experiments: [smoothing], id: () => 'anon-7' })
    experiments.setup(context)
    const before = experiments.variant('smoothing')
    expect(context.queue.events).toEqual([])
    expect(experiments.batchContext()).toBeUndefined()
    context.consent.grant('analytics')
    expect(context.queue.ofType('experiment_exposure').map((event) => event.payload.variant)).toEqual([before])
    // Revoked: the exposure still waiting is purged, and reading again sends none.
    context.consent.deny('analytics')
    experiments.variant('smoothing')
    expect(context.queue.ofType('experiment_exposure')).toHaveLength(0)
  })

  it('answers the control, records nothing and stores nothing without an id', () => {
    const context = createFakeContext({ consent: GRANTED })
    const experiments = new Experiments({ experiments: [renderer], id: () => undefined })
    experiments.setup(context)
    expect(experiments.variant('renderer')).toBe('canvas2d')
    expect(context.queue.events).toEqual([])
    expect(context.scope.localStorage!.length).toBe(0)
  })

  it('keeps ids outside the audience, namespace or traffic on the control, without an exposure', () => {
    const context = createFakeContext({ consent: GRANTED })
    const pro = defineExperiment({ key: 'export', variants: ['png', 'svg'], audience: { plan: ['pro', 'team'] } })
    const none = defineExperiment({ key: 'none', variants: ['a', 'b'], coverage: 0 })
    const experiments = new Experiments({
      experiments: [pro, none],
      id: () => 'anon-3',
      attributes: () => ({ plan: 'free' }),
    })
    experiments.setup(context)
    expect(experiments.variant('export')).toBe('png')
    expect(experiments.variant('none')).toBe('a')
    expect(context.queue.events).toEqual([])
    expect(experiments.assignments()).toEqual({})
  })

  it('answers isOn from a flag experiment or the flags option', () => {
    const dark = defineExperiment({ key: 'dark-mode', variants: ['off', 'on'] })
    const experiments = new Experiments({ experiments: [dark], flags: { beta: true }, id: () => idFor(dark, 'on') })
    expect(experiments.isOn('dark-mode')).toBe(true)
    expect(experiments.isOn('beta')).toBe(true)
    expect(experiments.isOn('unknown')).toBe(false)
  })

  it('applies ?marco-exp=key:variant only when allowOverride is set, and sends no exposure for it', () => {
    const scope = {
      ...createFakeScope(),
      location: { search: '?marco-exp=renderer:webgpu,smoothing:bogus' } as Location,
    }
    const id = idFor(renderer, 'canvas2d')
    const forced = createFakeContext({ scope, consent: GRANTED })
    const qa = new Experiments({ experiments: [renderer, smoothing], id: () => id, allowOverride: true })
    qa.setup(forced)
    expect(qa.variant('renderer')).toBe('webgpu')
    expect(qa.variant('smoothing')).toBe(assignVariant(smoothing, id)) // not one of its variants: ignored
    expect(forced.queue.ofType('experiment_exposure').map((event) => event.payload.experiment)).toEqual(['smoothing'])
    const normal = new Experiments({ experiments: [renderer], id: () => id })
    normal.setup(createFakeContext({ scope, consent: GRANTED }))
    expect(normal.variant('renderer')).toBe('canvas2d')
  })

  it('used alone, stop() resolves once its own queue has delivered the exposure to a real collector', async () => {
    const collector = await startTestCollector()
    try {
      const experiments = new Experiments({
        experiments: [smoothing],
        id: () => 'anon-1',
        endpoint: collector.endpoint,
        consent: GRANTED,
        scope: createFakeScope({ overrides: { fetch } }),
        queueOptions: { storage: false, flushIntervalMs: 60_000 },
      })
      experiments.start()
      experiments.variant('smoothing')
      // No flush first: stop() itself sends what the queue holds, and resolves after.
      await experiments.stop()
      const events = collector.requests.flatMap((request) => (request.body as { events: { type: string }[] }).events)
      expect(events.map((event) => event.type)).toEqual(['experiment_exposure'])
      await experiments.stop() // a second call is harmless
    } finally {
      await collector.close()
    }
  })

  it('fetches definitions from a real server under consent, and applies them from the next page load only', async () => {
    const body = JSON.stringify({
      experiments: [
        { key: 'toolbar', variants: ['left', 'right'], weights: [0, 1] },
        { key: 'smoothing', variants: ['off', 'on'], weights: [1, 0] },
        { key: 'renderer', variants: ['x', 'y'] }, // different variants from the coded one: left out
        { key: 'broken', variants: [] },
      ],
    })
    const requests: (string | undefined)[] = []
    const server = createServer((req, res) => {
      requests.push(req.headers['if-none-match'])
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/experiments`
      const localStorage = createMemoryStorage()
      const scope = { ...createFakeScope({ localStorage }), fetch: globalThis.fetch.bind(globalThis) }
      const id = idFor(smoothing, 'on')
      // Typed as the fetched definitions are: any key, a string or undefined.
      const page = () =>
        new Experiments<readonly ExperimentDefinition[]>({
          experiments: [smoothing, renderer],
          id: () => id,
          definitionsUrl: url,
        })

      const pending = createFakeContext({ scope })
      const first = page()
      first.setup(pending)
      expect(requests).toEqual([]) // nothing fetched before consent
      pending.consent.grant('analytics')
      await expect.poll(() => localStorage.getItem('marco_experiments')).not.toBeNull()
      expect(requests).toHaveLength(1)
      expect(first.variant('smoothing')).toBe('on') // this page keeps its definitions
      expect(first.variant('toolbar')).toBeUndefined()

      const next = page()
      next.setup(createFakeContext({ scope, consent: GRANTED }))
      expect(next.variant('toolbar')).toBe('right')
      expect(next.variant('smoothing')).toBe('off') // the fetched weights
      expect(['canvas2d', 'webgl', 'webgpu']).toContain(next.variant('renderer'))
      expect(next.variant('broken')).toBeUndefined()

      // Consent withdrawn: the stored definitions go.
      const revoked = createFakeContext({ scope, consent: GRANTED })
      page().setup(revoked)
      revoked.consent.deny('analytics')
      expect(localStorage.getItem('marco_experiments')).toBeNull()
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('never throws into the page when the id or attributes callbacks throw', () => {
    const context = createFakeContext({ consent: GRANTED })
    const experiments = new Experiments({
      experiments: [smoothing],
      id: () => {
        throw new Error('boom')
      },
    })
    experiments.setup(context)
    expect(experiments.variant('smoothing')).toBe('off')
    expect(context.errors).toHaveLength(1)
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { createFakeContext, createFakeScope, startTestCollector, type TestCollector } from '@marco/testing'
import type { CoreContextOptions } from './createCoreContext'
import { createEvent } from './createEvent'
import { LifecycleFeature, MAX_EARLY_CALLS } from './LifecycleFeature'
import type { Teardown } from './monitor'
import type { CoreContext } from './types'

/** The smallest feature: `stamp(id)` sends one analytics event; setup adds a listener it removes on teardown. */
class Stamps extends LifecycleFeature {
  readonly name = 'stamps'
  readonly warnings: string[] = []
  readonly log: string[] = []
  constructor(private readonly own: CoreContextOptions = {}) {
    super()
  }

  stamp(id: string): void {
    this.run((context) => {
      if (id === 'throw') throw new Error('stamp failed')
      context.queue.push(createEvent(context, 'analytics', 'stamp', { id }))
    })
  }

  get current(): CoreContext | undefined {
    return this.context
  }

  protected ownOptions(): CoreContextOptions {
    return this.own
  }

  protected setupFeature(context: CoreContext): Teardown {
    this.log.push('setup')
    return () => {
      // The teardown still has its context: a last summary can go out.
      this.log.push(`teardown with context: ${this.context === context}`)
    }
  }

  protected override warn(message: string): void {
    this.warnings.push(message)
  }
}

const granted = () => createFakeContext({ consent: { defaults: { analytics: 'granted' } } })
const ids = (context: ReturnType<typeof granted>) => context.queue.events.map((event) => event.payload.id)

/** A feature used alone, sending to `collector` (no IndexedDB, no flush timer within a test). */
const alone = (collector: TestCollector) =>
  new Stamps({
    endpoint: collector.endpoint,
    scope: createFakeScope({ overrides: { fetch } }),
    consent: { defaults: { analytics: 'granted' } },
    queueOptions: { storage: false, flushIntervalMs: 60_000 },
  })

let collector: TestCollector | undefined
afterEach(async () => {
  await collector?.close()
  collector = undefined
})

describe('LifecycleFeature', () => {
  it('keeps the calls made before setup and runs them at setup, in order', () => {
    const feature = new Stamps()
    feature.stamp('a')
    feature.stamp('b')
    const context = granted()
    feature.setup(context)
    feature.stamp('c')
    expect(ids(context)).toEqual(['a', 'b', 'c'])
    expect(feature.log).toEqual(['setup'])
  })

  it(`keeps at most ${MAX_EARLY_CALLS} early calls, counts the others as dropped and warns once`, () => {
    const feature = new Stamps()
    for (let i = 0; i < MAX_EARLY_CALLS + 25; i++) feature.stamp(`s${i}`)
    expect(feature.dropped).toBe(25)
    expect(feature.warnings).toEqual(['too many calls before setup: dropped'])
    const context = granted()
    feature.setup(context)
    expect(ids(context)).toHaveLength(MAX_EARLY_CALLS)
    expect(ids(context).at(-1)).toBe(`s${MAX_EARLY_CALLS - 1}`)
  })

  it('reports a call that throws (early or not) to the monitor, never to the caller, and runs the others', () => {
    const feature = new Stamps()
    feature.stamp('throw')
    feature.stamp('after')
    const context = granted()
    expect(() => feature.setup(context)).not.toThrow()
    expect(() => feature.stamp('throw')).not.toThrow()
    expect(ids(context)).toEqual(['after'])
    expect(context.errors.map((error) => (error as Error).message)).toEqual(['stamp failed', 'stamp failed'])
  })

  it('tears down with its context still there, once; a second setup ends the first; a stale teardown does nothing', () => {
    const feature = new Stamps()
    const first = granted()
    const teardownFirst = feature.setup(first)
    const second = granted()
    const teardownSecond = feature.setup(second)
    expect(feature.log).toEqual(['setup', 'teardown with context: true', 'setup'])
    teardownFirst()
    expect(feature.current).toBe(second)
    teardownSecond()
    teardownSecond()
    expect(feature.log).toEqual(['setup', 'teardown with context: true', 'setup', 'teardown with context: true'])
    expect(feature.current).toBeUndefined()
  })

  it('used alone with an endpoint: the first call starts it, flush sends to the server, stop is safe twice', async () => {
    collector = await startTestCollector()
    const feature = alone(collector)
    feature.stamp('alone-1')
    expect(feature.log).toEqual(['setup'])
    const teardown = feature.start() // already started: nothing more
    feature.stamp('alone-2')
    await feature.flush()
    expect(collector.requests.filter((request) => request.status === 200)).toHaveLength(1)
    expect(collector.storedIds).toHaveLength(2)
    feature.stamp('alone-3')
    teardown()
    await feature.stop()
    // Stopping flushed the own queue first: nothing accepted was left behind.
    expect(collector.storedIds).toHaveLength(3)
    expect(feature.log).toEqual(['setup', 'teardown with context: true'])
    expect(feature.current).toBeUndefined()
  })

  it('given to the runtime after starting alone, stops its own queue after sending what it held', async () => {
    collector = await startTestCollector()
    const feature = alone(collector)
    feature.start()
    feature.stamp('own')
    const runtime = granted()
    feature.setup(runtime)
    feature.stamp('runtime')
    expect(ids(runtime)).toEqual(['runtime'])
    await expect.poll(() => collector!.storedIds.length).toBe(1)
  })

  it('without an endpoint, start() builds its own context all the same; without setup nothing is sent', async () => {
    const feature = new Stamps({ scope: createFakeScope(), queueOptions: { storage: false } })
    feature.stamp('kept')
    expect(feature.current).toBeUndefined()
    feature.start()
    expect(feature.current).toBeDefined()
    await feature.stop()
    expect(feature.current).toBeUndefined()
  })
})

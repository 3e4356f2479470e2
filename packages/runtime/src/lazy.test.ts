import { describe, expect, it, vi } from 'vitest'
import type { CoreContext, Feature } from '@marco/core'
import { createFakeContext, createFakeScope } from '@marco/testing'
import { lazy } from './lazy'

function probe(log: string[]): Feature {
  return { name: 'probe', setup: (_context: CoreContext) => (log.push('setup'), () => log.push('teardown')) }
}

describe('lazy', () => {
  it('loads and sets the feature up after the page has loaded, when idle', async () => {
    const log: string[] = []
    const document = { readyState: 'loading' } as Document
    const scope = createFakeScope({
      overrides: { document, requestIdleCallback: (callback: () => void) => setTimeout(callback, 0) },
    })
    const context = createFakeContext({ scope })
    const feature = lazy(async () => (log.push('import'), probe(log)))
    const teardown = feature.setup(context)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(log).toEqual([])
    scope.dispatch('load')
    expect(await feature.loaded).toBeDefined()
    expect(log).toEqual(['import', 'setup'])
    teardown()
    expect(log).toEqual(['import', 'setup', 'teardown'])
  })

  it('never sets up a feature whose client stopped before it loaded, and reports a failed import', async () => {
    const log: string[] = []
    const context = createFakeContext({ scope: createFakeScope() })
    const stopped = lazy(async () => probe(log))
    stopped.setup(context)()
    expect(await stopped.loaded).toBeUndefined()
    const broken = lazy(() => Promise.reject(new Error('chunk failed to load')))
    broken.setup(context)
    expect(await broken.loaded).toBeUndefined()
    await vi.waitFor(() => expect((context.errors[0] as Error)?.message).toBe('chunk failed to load'))
    expect(log).toEqual([])
  })
})

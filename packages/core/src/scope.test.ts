import { describe, expect, it } from 'vitest'
import { createFakeScope } from '@marco/testing'
import { supportsStorage } from './scope'

describe('supportsStorage', () => {
  it('finds a working localStorage by a write-read round trip', () => {
    expect(supportsStorage(createFakeScope())).toBe(true)
    expect(supportsStorage(createFakeScope({ localStorage: false }))).toBe(false)
    expect(supportsStorage(createFakeScope({ localStorage: 'throws' }))).toBe(false)
  })

  it('never throws when reading the storage throws', () => {
    const hostile = Object.defineProperty({}, 'localStorage', {
      get() {
        throw new Error('denied')
      },
    })
    expect(supportsStorage(hostile)).toBe(false)
  })

  it('leaves nothing behind in the storage it probes', () => {
    const scope = createFakeScope()
    supportsStorage(scope)
    expect(scope.localStorage!.length).toBe(0)
  })
})

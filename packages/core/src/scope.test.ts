import { describe, expect, it } from 'vitest'
import { createFakeScope } from '@marco/testing'
import { globalScope, supportsBeacon, supportsCrypto, supportsIndexedDB, supportsStorage, supportsWebLocks } from './scope'

describe('globalScope probes', () => {
  it('finds a working localStorage by a write-read round trip', () => {
    expect(supportsStorage(createFakeScope())).toBe(true)
    expect(supportsStorage(createFakeScope({ localStorage: false }))).toBe(false)
    expect(supportsStorage(createFakeScope({ localStorage: 'throws' }))).toBe(false)
  })

  it('detects sendBeacon, Web Locks, IndexedDB and crypto only where they exist', () => {
    const bare = createFakeScope({ overrides: { crypto: undefined } })
    expect([supportsBeacon(bare), supportsWebLocks(bare), supportsIndexedDB(bare), supportsCrypto(bare)]).toEqual([false, false, false, false])
    const full = createFakeScope({
      navigator: { sendBeacon: () => true, locks: { request: async () => {} } },
      overrides: { indexedDB: globalThis.indexedDB },
    })
    expect([supportsBeacon(full), supportsWebLocks(full), supportsIndexedDB(full), supportsCrypto(full)]).toEqual([true, true, true, true])
  })

  it('never throws when reading a global throws', () => {
    const hostile = Object.defineProperty({}, 'navigator', {
      get() {
        throw new Error('denied')
      },
    })
    expect(supportsBeacon(hostile)).toBe(false)
    expect(supportsWebLocks(hostile)).toBe(false)
  })

  it('is plain globalThis in Node: no window, no document', () => {
    expect(globalScope.window).toBeUndefined()
    expect(globalScope.document).toBeUndefined()
    expect(supportsCrypto(globalScope)).toBe(true)
  })
})

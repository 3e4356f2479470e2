import type { GlobalScope } from '@marco/core'

export interface FakeScopeOptions {
  navigator?: Record<string, unknown>
  /** `false` leaves the storage out; `'throws'` makes every call throw (Safari private mode). */
  localStorage?: Storage | false | 'throws'
  /** Extra or overriding members. */
  overrides?: Partial<Record<keyof GlobalScope, unknown>>
}

export type FakeScope = GlobalScope & {
  /** Dispatches an event to the listeners added through the scope's own `addEventListener`. */
  dispatch(type: string, event?: Record<string, unknown>): void
  listenerCount(type?: string): number
}

/** A `Storage` kept in a Map; like a browser's, its own keys are the stored keys (`Object.keys(localStorage)`). */
export function createMemoryStorage(): Storage {
  const map = new Map<string, string>()
  const storage: Storage = {
    get length() {
      return map.size
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  }
  return new Proxy(storage, {
    ownKeys: () => [...map.keys()],
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === 'string' && map.has(key)
        ? { value: map.get(key), enumerable: true, configurable: true, writable: true }
        : undefined,
  })
}

function throwingStorage(): Storage {
  const fail = (): never => {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
  return { length: 0, clear: fail, getItem: fail, key: fail, removeItem: fail, setItem: fail }
}

/**
 * A scope with only what a test gives it, plus an event target of its own: no `window`, no DOM.
 *
 * @example
 * const scope = createFakeScope({ navigator: { globalPrivacyControl: true } })
 */
export function createFakeScope(options: FakeScopeOptions = {}): FakeScope {
  const listeners = new Map<string, Set<(event: unknown) => void>>()
  const storage =
    options.localStorage === false
      ? undefined
      : options.localStorage === 'throws'
        ? throwingStorage()
        : (options.localStorage ?? createMemoryStorage())
  const scope = {
    navigator: options.navigator ?? {},
    localStorage: storage,
    crypto: globalThis.crypto,
    addEventListener(type: string, listener: (event: unknown) => void) {
      let set = listeners.get(type)
      if (!set) listeners.set(type, (set = new Set()))
      set.add(listener)
    },
    removeEventListener(type: string, listener: (event: unknown) => void) {
      listeners.get(type)?.delete(listener)
    },
    dispatch(type: string, event: Record<string, unknown> = {}) {
      for (const listener of [...(listeners.get(type) ?? [])]) listener({ type, ...event })
    },
    listenerCount(type?: string) {
      if (type) return listeners.get(type)?.size ?? 0
      let n = 0
      for (const set of listeners.values()) n += set.size
      return n
    },
    ...options.overrides,
  }
  return scope as unknown as FakeScope
}

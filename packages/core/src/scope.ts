/**
 * Typed access to the browser globals the SDK may use. Every member is optional: the SDK runs in
 * browsers, workers, Node (server rendering) and tests, and simply does less where something is missing.
 */
export interface GlobalScope {
  readonly window?: Window
  readonly document?: Document
  readonly navigator?: Navigator
  readonly location?: Location
  readonly history?: History
  readonly performance?: Performance
  readonly crypto?: Crypto
  readonly indexedDB?: IDBFactory
  readonly localStorage?: Storage
  readonly sessionStorage?: Storage
  readonly fetch?: typeof fetch
  readonly AbortController?: typeof AbortController
  readonly PerformanceObserver?: typeof PerformanceObserver
  readonly BroadcastChannel?: typeof BroadcastChannel
  readonly CompressionStream?: typeof CompressionStream
  readonly WebAssembly?: typeof WebAssembly
  readonly caches?: CacheStorage
  readonly requestAnimationFrame?: (callback: FrameRequestCallback) => number
  readonly cancelAnimationFrame?: (handle: number) => void
  readonly requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number
  readonly cancelIdleCallback?: (handle: number) => void
  readonly addEventListener?: (
    type: string,
    listener: EventListener,
    options?: AddEventListenerOptions | boolean,
  ) => void
  readonly removeEventListener?: (
    type: string,
    listener: EventListener,
    options?: EventListenerOptions | boolean,
  ) => void
  readonly setTimeout?: (handler: () => void, timeout?: number) => unknown
  readonly clearTimeout?: (handle: never) => void
  readonly console?: Console
}

/**
 * The real global scope. A reference, not a call: importing this module does nothing.
 *
 * @example
 * import { globalScope } from '@marco/core'
 * const nav = globalScope.navigator // undefined in Node, a Navigator in a browser
 */
export const globalScope: GlobalScope = globalThis as GlobalScope

/**
 * Whether a Web Storage area really works: a write-read-remove round trip, since Safari's private mode and
 * disabled cookies make `localStorage` exist yet throw on `setItem`.
 *
 * @example
 * if (supportsStorage(globalScope, 'localStorage')) globalScope.localStorage!.setItem('k', 'v')
 */
export function supportsStorage(scope: GlobalScope, kind: 'localStorage' | 'sessionStorage' = 'localStorage'): boolean {
  try {
    const storage = scope[kind]
    if (!storage) return false
    const key = '__marco_probe__'
    storage.setItem(key, key)
    const ok = storage.getItem(key) === key
    storage.removeItem(key)
    return ok
  } catch {
    return false
  }
}

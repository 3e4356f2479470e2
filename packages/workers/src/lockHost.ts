import { globalScope, listen, type GlobalScope, type Monitor, type Teardown } from '@marco/core'

/**
 * Between the analytics worker's queue (`w`: worker → page) and the page that holds its Web Locks (`p`: page →
 * worker). `i` names a lock request.
 */
export type LockHostMessage =
  /** w: ask for the lock `n` (exclusive); answered with `granted` or `failed`. */
  | { readonly t: 'request'; readonly i: number; readonly n: string }
  /** w: a granted lock is let go, or a request given up. */
  | { readonly t: 'release'; readonly i: number }
  /** p: request `i` holds its lock now. */
  | { readonly t: 'granted'; readonly i: number }
  /** p: request `i` failed (`n`: the error's name). */
  | { readonly t: 'failed'; readonly i: number; readonly n: string }
  /** p: the page's `pagehide` / `pageshow`, with `persisted`. */
  | { readonly t: 'pagehide'; readonly i?: undefined; readonly persisted: boolean }
  | { readonly t: 'pageshow'; readonly i?: undefined; readonly persisted: boolean }

/** The page's side of a lock host: the port to hand to the worker, and the end of what it holds. */
export interface LockHost {
  readonly port: MessagePort
  /** Lets every lock held for the worker go, and closes the port. */
  readonly close: Teardown
}

/**
 * Holds the Web Locks of a worker's `EventQueue` on the page, for the worker, over a `MessagePort` (the other
 * side is `createHostedScope`). Why: a lock held by a worker stays held while its page sits in the back/forward
 * cache — the worker is frozen with the page before it can let go — and the next page of the origin, waiting
 * on it, makes the browser evict the cached page. The page lets go at once in its own `pagehide` (as a
 * main-thread queue does) and tells the worker, whose queue owns its events again on `pageshow`. (The queue's
 * `BroadcastChannel` stays in the worker: a message to a cached page's worker did not evict it, 6 of 6.)
 * Undefined where the page has no Web Locks or no `MessageChannel`: the worker's queue then uses its own
 * scope's, as it did before.
 *
 * @example
 * const host = hostLocks(globalScope, monitor)
 * remote.init.with({ transfer: [host.port] })(options, host.port)
 */
export function hostLocks(scope: GlobalScope, monitor: Monitor): LockHost | undefined {
  const locks = scope.navigator?.locks
  if (!locks || typeof MessageChannel !== 'function') return undefined
  const { port1: port, port2 } = new MessageChannel()
  /** What lets each request go: aborts it while it waits, ends its hold once granted. */
  const held = new Map<number, () => void>()
  /** The page is in (or on its way into) the back/forward cache, or the host is closed: nothing is taken. */
  let away = false
  const send = (message: LockHostMessage): void => port.postMessage(message)
  const letGo = (): void => {
    for (const release of held.values()) release()
    held.clear()
  }
  // Asked while away: dropped. The worker's queue let go of all it asked for on `pagehide` and asks anew on
  // `pageshow`.
  port.onmessage = monitor.wrap(({ data: { t, i, n } }: MessageEvent) => {
    if (away) return
    // A request id already in use (a confused or hostile worker) would orphan the first hold: refused.
    if (t === 'request' && held.has(i)) send({ t: 'failed', i, n: 'InvalidStateError' })
    else if (t === 'request') {
      const aborter = new AbortController()
      let release = () => aborter.abort()
      held.set(i, () => release())
      locks
        .request(n, { signal: aborter.signal }, () =>
          held.has(i) ? (send({ t: 'granted', i }), new Promise<void>((resolve) => (release = resolve))) : undefined,
        )
        // Let go by the worker or the page (an abort): the worker knows. Else it is told.
        .catch((error: { name?: string }) => held.delete(i) && send({ t: 'failed', i, n: `${error?.name}` }))
    } else if (t === 'release') held.get(i)?.(), held.delete(i)
  })
  const onPage = ({ type, persisted }: PageTransitionEvent): void => {
    // Into the back/forward cache: let go now, before the page is frozen. Back from it: the worker asks anew.
    if (persisted && (away = type === 'pagehide')) letGo()
    send({ t: type as 'pagehide', persisted })
  }
  const teardowns = [listen(monitor, scope, 'pagehide', onPage), listen(monitor, scope, 'pageshow', onPage)]
  return {
    port: port2,
    close() {
      away = true
      for (const teardown of teardowns) teardown()
      letGo()
      port.close()
    },
  }
}

/**
 * The worker's side of `hostLocks`: a scope for the worker's `EventQueue` (its `scope` option) whose Web Locks
 * are requested and held by the page over `port`, and which hears the page's `pagehide` and `pageshow`.
 * Everything else is the worker's own (`global`), `navigator.locks.query()` included (it holds nothing).
 *
 * @example
 * const queue = new EventQueue({ ...options, scope: createHostedScope(port) })
 */
export function createHostedScope(port: MessagePort, global: GlobalScope = globalScope): GlobalScope {
  let next = 0
  /** Requests waiting for the page's answer. */
  const waiting = new Map<number, (message: LockHostMessage) => void>()
  const page = new EventTarget()
  const send = (message: LockHostMessage): void => port.postMessage(message)
  port.onmessage = ({ data }: MessageEvent<LockHostMessage>) => {
    if (data.t === 'pagehide' || data.t === 'pageshow')
      page.dispatchEvent(Object.assign(new Event(data.t), { persisted: data.persisted }))
    else if (waiting.has(data.i)) waiting.get(data.i)!(data)
    // Granted after it was given up.
    else if (data.t === 'granted') send({ t: 'release', i: data.i })
  }
  const locks = {
    request(name: string, { signal }: LockOptions, callback: LockGrantedCallback<unknown>): Promise<unknown> {
      const i = ++next
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        // Given up while waiting: rejected here and now, as a browser does.
        const abort = (): void => {
          waiting.delete(i)
          send({ t: 'release', i })
          reject(signal!.reason)
        }
        signal?.addEventListener('abort', abort)
        waiting.set(i, (reply) => {
          waiting.delete(i)
          signal?.removeEventListener('abort', abort)
          if (reply.t !== 'granted') return reject(new DOMException(`${name}: not granted`, (reply as { n: string }).n))
          Promise.resolve()
            .then(() => callback({ name, mode: 'exclusive' }))
            .finally(() => send({ t: 'release', i }))
            .then(resolve, reject)
        })
        send({ t: 'request', i, n: name })
      })
    },
    query: () => global.navigator!.locks.query(),
  } as LockManager
  const target = (type: string) => (type === 'pagehide' || type === 'pageshow' ? page : global)
  return {
    indexedDB: global.indexedDB,
    crypto: global.crypto,
    fetch: global.fetch && ((input, init) => global.fetch!(input, init)),
    CompressionStream: global.CompressionStream,
    console: global.console,
    navigator: {
      get onLine() {
        return global.navigator?.onLine ?? true
      },
      locks,
    } as Navigator,
    BroadcastChannel: global.BroadcastChannel,
    addEventListener: (type, listener, options) => target(type).addEventListener?.(type, listener, options),
    removeEventListener: (type, listener, options) => target(type).removeEventListener?.(type, listener, options),
  }
}

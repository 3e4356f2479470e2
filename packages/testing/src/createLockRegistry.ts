/** One tab's (or worker's) `navigator.locks`, plus a way to kill that tab. */
export type FakeLockManager = LockManager & {
  /** The tab crashed: every lock it holds is released and its waiting requests end, as the browser does. */
  kill(): void
}

export interface LockRegistry {
  /** A new client (tab) of the origin's one set of locks. */
  client(): FakeLockManager
}

interface Waiter {
  readonly name: string
  readonly client: number
  grant(): void
  fail(error: unknown): void
}

const abortError = () => new DOMException('The request was aborted.', 'AbortError')

/**
 * Exclusive Web Locks for Node, which has no `navigator.locks` before Node 22: one registry is one origin,
 * each `client()` one tab. Requests are granted in order, a callback's promise holds its lock, `ifAvailable`
 * and `signal` behave as in the spec, `query()` reports held and pending locks, and `kill()` releases a dead
 * tab's locks the way a browser does when a renderer crashes.
 *
 * @example
 * const origin = createLockRegistry()
 * const tabA = origin.client(), tabB = origin.client()
 * tabA.kill() // tabB's request for tabA's lock is granted now
 */
export function createLockRegistry(): LockRegistry {
  let clients = 0
  const held = new Map<string, number>()
  const waiting: Waiter[] = []
  const pump = (): void => {
    for (const waiter of [...waiting]) {
      if (held.has(waiter.name)) continue
      waiting.splice(waiting.indexOf(waiter), 1)
      held.set(waiter.name, waiter.client)
      waiter.grant()
    }
  }
  return {
    client() {
      const id = ++clients
      let dead = false
      const manager = {
        request(
          name: string,
          optionsOrCallback: LockOptions | LockGrantedCallback<unknown>,
          maybeCallback?: LockGrantedCallback<unknown>,
        ) {
          const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
          const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!
          return new Promise((resolve, reject) => {
            if (dead || options.signal?.aborted) return reject(abortError())
            if (options.ifAvailable && held.has(name)) {
              return void Promise.resolve(callback(null)).then(resolve, reject)
            }
            const release = (): void => {
              if (held.get(name) === id && !dead) {
                held.delete(name)
                pump()
              }
            }
            const onAbort = (): void => {
              const index = waiting.indexOf(waiter)
              if (index >= 0) waiting.splice(index, 1), reject(abortError())
            }
            const waiter: Waiter = {
              name,
              client: id,
              grant() {
                options.signal?.removeEventListener('abort', onAbort)
                Promise.resolve()
                  .then(() => callback({ name, mode: 'exclusive' } as Lock))
                  .then(
                    (value) => (release(), resolve(value)),
                    (error: unknown) => (release(), reject(error)),
                  )
              },
              fail: reject,
            }
            options.signal?.addEventListener('abort', onAbort)
            waiting.push(waiter)
            pump()
          })
        },
        async query() {
          return {
            held: [...held].map(([name, client]) => ({ name, clientId: String(client), mode: 'exclusive' as const })),
            pending: waiting.map((waiter) => ({
              name: waiter.name,
              clientId: String(waiter.client),
              mode: 'exclusive' as const,
            })),
          }
        },
        kill() {
          dead = true
          for (const [name, client] of [...held]) if (client === id) held.delete(name)
          for (const waiter of waiting.filter((waiter) => waiter.client === id)) {
            waiting.splice(waiting.indexOf(waiter), 1)
            waiter.fail(abortError())
          }
          pump()
        },
      }
      return manager as unknown as FakeLockManager
    },
  }
}

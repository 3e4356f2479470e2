import { createId, createMonitor, globalScope, listen, type GlobalScope, type Monitor } from '@marco/core'

/** When and by whom a key was last written: a logical (Lamport) clock, then the writer's id for ties. */
type Stamp = readonly [clock: number, writer: string]

/**
 * What travels on the channel: `hello` from a newcomer; `state` with the keys a peer has (all of them, or those it just
 * wrote).
 */
type StateMessage<T> =
  | { readonly k: 'hello' }
  | { readonly k: 'state'; readonly values: Partial<T>; readonly stamps: Partial<Record<keyof T, Stamp>> }

/** The part of `BroadcastChannel` the shared state uses (tests pass an in-memory one). */
export interface ChannelLike {
  postMessage(message: unknown): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  close(): void
}

export interface SharedStateOptions {
  /** Opens the channel; default `new BroadcastChannel(name)`. */
  channel?: (name: string) => ChannelLike
  /** This tab's or worker's id, which breaks ties between writes of the same logical time. Default random. */
  id?: string
  monitor?: Monitor
  /** Where the page's `pagehide` / `pageshow` are heard (the back/forward cache); default the global scope. */
  scope?: GlobalScope
}

/** A small state object kept identical across the tabs and workers of one origin. */
export interface SharedState<T extends Record<string, unknown>> {
  /** The current state (do not mutate it; use `set`). */
  get(): Readonly<T>
  /** Writes some keys here and in every other tab and worker. */
  set(patch: Partial<T>): void
  /** Hears every change, local or remote; returns the unsubscribe. */
  subscribe(listener: (state: Readonly<T>) => void): () => void
  /** Leaves the channel. */
  close(): void
}

/** Whether stamp `a` wins over `b`: the later logical time, then the larger writer id. */
function wins(a: Stamp | undefined, b: Stamp | undefined): boolean {
  if (!a) return false
  if (!b) return true
  return a[0] !== b[0] ? a[0] > b[0] : a[1] > b[1]
}

/**
 * Keeps a small state object (session, consent, user, feature flags) identical across the tabs and
 * workers of one origin over a `BroadcastChannel`. Each key carries a logical clock and its writer's id:
 * concurrent writes converge everywhere on the same winner (the later logical time, ties by id), and a late
 * joiner asks on arrival and gets the current state from the others. Values must be structured-cloneable.
 * Where `BroadcastChannel` is missing it is a plain local state. Listener errors are reported, never thrown; so is a
 * malformed message from a peer, which changes nothing.
 * A page going into the back/forward cache leaves the channel (a message to a cached page's channel makes
 * Chromium evict the page, and every peer's arrival sends one) and rejoins when it is restored, as a late
 * joiner that also tells its own state: the writes it missed arrive, and so does any it made on its way out.
 *
 * @example
 * const shared = createSharedState('marco', { sessionId: '', consent: 'pending', flags: {} as Record<string, boolean>
 * })
 * shared.subscribe(({ consent }) => applyConsent(consent))
 * shared.set({ consent: 'granted' }) // every tab and worker of the origin hears it
 */
export function createSharedState<T extends Record<string, unknown>>(
  name: string,
  initial: T,
  options: SharedStateOptions = {},
): SharedState<T> {
  const monitor = options.monitor ?? createMonitor()
  const id = options.id ?? createId()
  const listeners = new Set<(state: Readonly<T>) => void>()
  const stamps: Partial<Record<keyof T, Stamp>> = {}
  let state: T = { ...initial }
  let clock = 0
  let channel: ChannelLike | undefined
  const send = (message: StateMessage<T>): void => void monitor.call(() => channel?.postMessage(message))
  const notify = (): void => {
    for (const listener of [...listeners]) monitor.call(listener, state)
  }
  const merge = (values: Partial<T>, incoming: Partial<Record<keyof T, Stamp>>): void => {
    let changed = false
    const next = { ...state }
    const keys = Object.keys(incoming) as (keyof T)[]
    // A message with any stamp that is not [clock, writer] (a peer of another version, or a hostile one) changes
    // nothing: applied in part, or with a clock of NaN, it would stop this peer's own writes from winning.
    for (const key of keys)
      if (key === '__proto__' || !Number.isFinite(incoming[key]?.[0]) || typeof incoming[key]?.[1] !== 'string')
        throw new TypeError('shared state: malformed message')
    for (const key of keys) {
      const stamp = incoming[key]!
      clock = Math.max(clock, stamp[0])
      if (!wins(stamp, stamps[key])) continue
      stamps[key] = stamp
      next[key] = values[key] as T[keyof T]
      changed = true
    }
    if (!changed) return
    state = next
    notify()
  }
  /** Tells what this peer has (to a newcomer, or on rejoining), if it has anything. */
  const tell = (): void => {
    if (Object.keys(stamps).length) send({ k: 'state', values: state, stamps })
  }
  const onMessage = (event: { data: unknown }): void => {
    monitor.call(() => {
      const message = event.data as StateMessage<T> | undefined
      if (message?.k === 'hello') tell()
      else if (message?.k === 'state') merge(message.values, message.stamps)
    })
  }
  const join = (): void => {
    monitor.call(() => {
      const open = options.channel ?? ((channelName) => new BroadcastChannel(channelName) as unknown as ChannelLike)
      if (options.channel || typeof BroadcastChannel === 'function') channel = open(`marco-state:${name}`)
    })
    channel?.addEventListener('message', onMessage)
    send({ k: 'hello' })
    tell()
  }
  const leave = (): void => {
    monitor.call(() => {
      channel?.removeEventListener('message', onMessage)
      channel?.close()
    })
    channel = undefined
  }
  join()
  const scope = options.scope ?? globalScope
  const teardowns = [
    listen<PageTransitionEvent>(monitor, scope, 'pagehide', (event) => event.persisted && leave()),
    listen<PageTransitionEvent>(monitor, scope, 'pageshow', (event) => event.persisted && !channel && join()),
  ]
  return {
    get: () => state,
    set(patch) {
      monitor.call(() => {
        const stamp: Stamp = [++clock, id]
        const written: Partial<Record<keyof T, Stamp>> = {}
        for (const key of Object.keys(patch) as (keyof T)[]) written[key] = stamp
        merge(patch, written)
        send({ k: 'state', values: patch, stamps: written })
      })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close() {
      for (const teardown of teardowns) teardown()
      leave()
    },
  }
}

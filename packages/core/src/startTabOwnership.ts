import { createMonitor, startTimeout, type Monitor, type Teardown } from './monitor'

/**
 * A queue that is gone may have had a last write on its way when its lock was released (a renderer that
 * crashed or closed mid-write, whose transaction reaches the database after the lock's release): its events
 * are claimed again these many milliseconds later, to take what landed late.
 */
const RECLAIM_DELAYS_MS = [1_000, 5_000]

export interface TabOwnershipOptions {
  /** The Web Locks of the scope (`navigator.locks`). */
  readonly locks: LockManager
  /** Names this queue's locks and channel apart from other stores' (the database name). */
  readonly name: string
  /** This queue's id, the owner of the events it stores. */
  readonly owner: string
  /** Takes over the events of every owner that `isLive` denies, in one store transaction. */
  readonly claim: (isLive: (owner: string) => boolean) => Promise<unknown>
  readonly BroadcastChannel?: typeof BroadcastChannel
  readonly monitor?: Monitor
}

/**
 * Which tab (or worker) owns which stored events, by Web Locks: each queue holds a lock named after itself for
 * as long as it runs, so the browser releases it the moment the tab closes or crashes. A queue waits on the
 * locks of the other live queues; when one is granted, that queue is gone and its events are claimed at once —
 * no lease to run out. Claims run under one lock, so a claim never sees a queue as dead that is still
 * claiming. Each claim watches every queue it sees alive; a queue that starts later announces itself on a
 * `BroadcastChannel` (listened to before this queue's first claim, so no queue falls between the two).
 * Resolves once this queue's lock is held and the first claim is done; the teardown releases everything.
 *
 * @example
 * const ownership = await startTabOwnership({ locks: navigator.locks, name: 'marco-sdk-events', owner, claim })
 */
export async function startTabOwnership(options: TabOwnershipOptions): Promise<Teardown> {
  const { locks, name, owner, monitor = createMonitor() } = options
  const prefix = `${name}:`
  const lockName = (id: string) => prefix + id
  const stopping = new AbortController()
  const signal = stopping.signal
  const watched = new Set<string>()
  let release: () => void = () => {}
  let running: Promise<void> | undefined
  let again = false

  // Runs the claim under the origin-wide claim lock; a claim asked for while one runs runs once more after it.
  const claim = (): Promise<void> => {
    if (running) return (void (again = true), running)
    running = locks
      .request(lockName('claim'), { signal }, async () => {
        do {
          again = false
          if (signal.aborted) return
          const held = new Set<string | undefined>()
          for (const lock of (await locks.query()).held ?? []) {
            held.add(lock.name)
            if (lock.name?.startsWith(prefix)) watch(lock.name.slice(prefix.length))
          }
          await options.claim((id) => held.has(lockName(id)))
        } while (again && !signal.aborted)
      })
      .catch(monitor.report)
      .finally(() => (running = undefined))
    return running
  }
  // Granted only when the other queue's own lock is released: it has stopped, closed or crashed.
  const watch = (other: string): void => {
    if (other === owner || other === 'claim' || watched.has(other) || signal.aborted) return
    watched.add(other)
    locks
      .request(lockName(other), { signal }, () => {
        watched.delete(other)
        void claim()
        for (const delay of RECLAIM_DELAYS_MS) startTimeout(monitor, () => signal.aborted || void claim(), delay)
      })
      .catch((error: unknown) => signal.aborted || monitor.report(error))
  }

  const channel = options.BroadcastChannel && new options.BroadcastChannel(name)
  if (channel)
    channel.onmessage = monitor.wrap((event: MessageEvent) => typeof event.data === 'string' && watch(event.data))
  await new Promise<void>((held, failed) => {
    locks
      .request(lockName(owner), { signal }, () => (held(), new Promise<void>((resolve) => (release = resolve))))
      .catch(failed)
  }).catch((error: unknown) => {
    channel?.close()
    throw error
  })
  channel?.postMessage(owner)
  await claim()
  return () => {
    stopping.abort()
    release()
    channel?.close()
  }
}

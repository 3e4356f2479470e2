import { createId, supportsStorage, type GlobalScope } from '@marco/core'

/** What survives a reload (with `analytics` consent only): who this browser is and its current session. */
export interface SessionState {
  /** Anonymous id: random, one per browser until `reset()` or consent is revoked. */
  aid: string
  uid?: string
  /** Session id, start and last activity (epoch ms). */
  sid: string
  start: number
  last: number
}

/**
 * Reads the stored state, or `undefined` when there is none, storage is unusable, it is not ours, or its times
 * are not in order by `now`.
 *
 * @example
 * const state = loadSession(globalScope, 'marco_analytics', Date.now())
 */
export function loadSession(scope: GlobalScope, key: string, now: number): SessionState | undefined {
  try {
    if (!supportsStorage(scope)) return undefined
    const state = JSON.parse(scope.localStorage!.getItem(key) ?? 'null') as SessionState | null
    // Times in order and not in the future (tampered, or written under a clock set back since); a user id is text.
    return state &&
      typeof state.aid === 'string' &&
      typeof state.sid === 'string' &&
      (state.uid === undefined || typeof state.uid === 'string') &&
      state.start > 0 &&
      state.start <= state.last &&
      state.last <= now
      ? state
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Writes the state (localStorage, never a cookie). Never throws.
 *
 * @example
 * saveSession(globalScope, 'marco_analytics', state)
 */
export function saveSession(scope: GlobalScope, key: string, state: SessionState | undefined): void {
  try {
    if (state) scope.localStorage?.setItem(key, JSON.stringify(state))
    else scope.localStorage?.removeItem(key)
  } catch {
    // private mode or full: the session lives in memory
  }
}

/**
 * A fresh state for `now`: a new session, and a new anonymous id unless one is kept.
 *
 * @example
 * const state = newSession(Date.now())
 */
export function newSession(now: number, aid = createId(), uid?: string): SessionState {
  return { aid, uid, sid: createId(), start: now, last: now }
}

/**
 * Whether a session has ended by `now`, and why: idle longer than `timeoutMs` (`timeout`), or older than `maxMs`
 * (`max_age`); `undefined` while it lasts.
 *
 * @example
 * sessionEnd(state, Date.now(), 30 * 60_000, 24 * 3_600_000) // 'timeout' after 30 idle minutes
 */
export function sessionEnd(
  state: SessionState,
  now: number,
  timeoutMs: number,
  maxMs: number,
): 'timeout' | 'max_age' | undefined {
  return now - state.last > timeoutMs ? 'timeout' : now - state.start > maxMs ? 'max_age' : undefined
}

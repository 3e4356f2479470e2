import {
  createMonitor,
  globalScope,
  listen,
  nextRetryDelay,
  startTimeout,
  type Clock,
  type GlobalScope,
  type Monitor,
  type Teardown,
} from '@marco/core'
import { decodeJwtSegment } from './decodeJwtSegment'
import { securityError } from './securityError'
import { verifyJwt, type JwtKey, type VerifyJwtOptions } from './verifyJwt'

/** What `refresh` gives back: the new access token, and its lifetime when the token is not a JWT with `exp`. */
export interface SessionGrant {
  readonly accessToken: string
  readonly expiresInSec?: number
}

/**
 * `change`: a new token (refreshed here or in another tab); `expired`: refresh failed, the session is over; `logout`.
 */
export type SessionEventType = 'change' | 'expired' | 'logout'

export interface SessionEvent {
  readonly type: SessionEventType
}

export interface SessionManagerOptions {
  /**
   * Gets a new access token, typically by POSTing to the auth server with its `HttpOnly` refresh cookie (which
   * the server rotates on every use). Resolve `null` when there is no session (the server said 401): no
   * retry. Reject on any other failure: retried with backoff.
   */
  readonly refresh: () => Promise<SessionGrant | string | null>
  /** Tells the server the session ended (revokes the refresh token). Called by `logout()`. */
  readonly revoke?: (accessToken: string | undefined) => Promise<unknown>
  /**
   * Verify every token before using it (`verifyJwt`): from `refresh`, `setToken` and the other tabs alike. A
   * token that fails counts as a failed refresh; one from another tab is ignored.
   */
  readonly verify?: Omit<VerifyJwtOptions, 'now'> & { readonly key: JwtKey }
  /**
   * Refresh this long before expiry, but never before half the token's life; a token that lives less than this
   * is refreshed when it expires (once per lifetime). Default 60,000.
   */
  readonly refreshAheadMs?: number
  /**
   * Backoff between failed refreshes (`nextRetryDelay` of `@marco/core`): full jitter under a ceiling doubling from
   * `retryBaseMs` up to `retryMaxMs`. Defaults 1,000 / 30,000.
   */
  readonly retryBaseMs?: number
  readonly retryMaxMs?: number
  /** Failed attempts retried before the session is declared expired. Default 4. */
  readonly maxRetries?: number
  /**
   * The `BroadcastChannel` the origin's tabs share the session on; `false` keeps it to this tab. Default
   * `marco-session`.
   */
  readonly channelName?: string | false
  /** Where the channel comes from and `pagehide` / `pageshow` are heard; default the global scope. */
  readonly scope?: GlobalScope
  readonly clock?: Clock
  readonly monitor?: Monitor
  readonly random?: () => number
}

/** `since`: when the request that got the token began (a login's or refresh's): one begun before a logout is stale. */
type ChannelMessage = { t: 'token'; token: string; expiresAt?: number; since?: number } | { t: 'logout' }

const MAX_TIMER_MS = 2_147_483_647

/**
 * Session tokens for the collaboration service. The access token lives in memory only (never in Web
 * Storage, where any injected script could read it); the page gets a new one from the refresh cookie after a
 * reload. It is refreshed `refreshAheadMs` before it expires, by one request however many callers wait,
 * retried with backoff, and shared with the origin's other tabs over a `BroadcastChannel` (same-origin by
 * definition), so one rotation serves every tab. Public methods never throw or reject.
 *
 * A session that ends stays ended: a refresh that answers after `logout()` (here or in another tab) or after a
 * newer `setToken()` is discarded. A token that is already expired when it arrives counts as a failed
 * refresh, so a server handing out short or stale tokens gets backoff, not a refresh loop. What other tabs
 * post goes through the same checks as `setToken` (`verify` included); a bad message is ignored and reported
 * to the monitor (a `console.warn` in debug mode). A page in the back/forward cache is off the channel; back, it
 * confirms its session with one refresh.
 *
 * @example
 * const session = new SessionManager({
 *   refresh: async () => {
 *     const res = await fetch('/auth/refresh', { method: 'POST', credentials: 'include' })
 *     return res.status === 401 ? null : (await res.json()).accessToken
 *   },
 *   revoke: () => fetch('/auth/logout', { method: 'POST', credentials: 'include' }),
 * })
 * session.on('expired', () => showLogin())
 * const token = await session.getToken()
 * fetch('/api/rooms', { headers: { authorization: `Bearer ${token}` } })
 */
export class SessionManager {
  private readonly _options: SessionManagerOptions
  private readonly _clock: Pick<Clock, 'now'>
  private readonly _monitor: Monitor
  private readonly _listeners = new Set<[SessionEventType, (event: SessionEvent) => void]>()
  private _token: string | undefined
  private _expiresAt: number | undefined
  private _refreshAt: number | undefined
  // Bumped by logout, expiry, stop and setToken: a refresh or verification begun before is stale.
  private _generation = 0
  private _inflight: Promise<string | undefined> | undefined
  private _ended = false
  /** When this tab last logged out (or heard another tab do so): tokens got by requests begun before are stale. */
  private _loggedOutAt = 0
  private _cancelTimer: Teardown = () => {}
  /** Ends the wait between failed refreshes (the session moved on: no timer outlives it). */
  private _cancelRetry: Teardown = () => {}
  private _channel: BroadcastChannel | undefined
  private _unlisten: Teardown = () => {}
  private _teardowns: Teardown[]

  constructor(options: SessionManagerOptions) {
    this._options = options
    const scope = options.scope ?? globalScope
    this._clock = options.clock ?? Date
    const monitor = (this._monitor = options.monitor ?? createMonitor({ scope }))
    const name = options.channelName ?? 'marco-session'
    // Whether it joined (it was not on the channel, and there is one to join).
    const join = () =>
      monitor.call(() => {
        if (name === false || !scope.BroadcastChannel || this._channel) return
        const channel = (this._channel = new scope.BroadcastChannel(name))
        this._unlisten = listen<MessageEvent<ChannelMessage>>(monitor, channel, 'message', (event) =>
          this._receive(event.data),
        )
        return true
      })
    join()
    // A page in the back/forward cache leaves the channel: another tab's message on it would evict the page (every
    // page of the origin posts its token at start). Back, it missed what was said meanwhile — a logout, perhaps —
    // so it rejoins and confirms its session with one refresh, as a reload would (`null`: the session ended).
    this._teardowns = [
      listen<PageTransitionEvent>(monitor, scope, 'pagehide', (event) => event.persisted && this._leave()),
      listen<PageTransitionEvent>(
        monitor,
        scope,
        'pageshow',
        (event) => event.persisted && join() && this._token && void this.refresh(),
      ),
    ]
  }

  /**
   * A valid access token, or `undefined` when there is no session. Refreshes first when the token has
   * expired (or there is none yet and the session has not ended); concurrent callers share one refresh.
   *
   * @example
   * const token = await session.getToken()
   */
  async getToken(): Promise<string | undefined> {
    const now = this._clock.now()
    if (this._token && now < (this._expiresAt ?? Infinity)) {
      if (now >= this._refreshAt!) void this.refresh()
      return this._token
    }
    return this._ended ? undefined : this.refresh()
  }

  /**
   * Gets a new token now (after a 401, say). Joins the refresh in flight, if any.
   *
   * @example
   * if (response.status === 401) token = await session.refresh()
   */
  refresh(): Promise<string | undefined> {
    this._ended = false
    return (this._inflight ??= this._runRefresh().finally(() => (this._inflight = undefined)))
  }

  /**
   * Starts a session with the token a login returned. Resolves `false` if `verify` refuses it.
   *
   * @example
   * await session.setToken((await login(user, password)).accessToken)
   */
  async setToken(token: string, expiresInSec?: number): Promise<boolean> {
    // Once verified, newer than any refresh in flight (unless a logout came first); one refused changes nothing.
    return this._adopt(token, this._deadline(expiresInSec), this._generation, true, this._clock.now(), true).then(
      Boolean,
      () => false,
    )
  }

  /**
   * Ends the session in every tab of the origin and revokes it on the server.
   *
   * @example
   * await session.logout()
   */
  async logout(): Promise<void> {
    const token = this._token
    this._end('logout')
    this._post({ t: 'logout' })
    try {
      await this._options.revoke?.(token)
    } catch (error) {
      this._monitor.report(error)
    }
  }

  /**
   * Listens for `change`, `expired` or `logout`; returns the unsubscribe.
   *
   * @example
   * const off = session.on('expired', () => showLogin())
   */
  on(type: SessionEventType, listener: (event: SessionEvent) => void): Teardown {
    const entry: [SessionEventType, (event: SessionEvent) => void] = [type, listener]
    this._listeners.add(entry)
    return () => void this._listeners.delete(entry)
  }

  /**
   * Stops timers and leaves the tab channel; the token is forgotten.
   *
   * @example
   * session.stop()
   */
  stop(): void {
    this._cancelTimer()
    for (const teardown of this._teardowns.splice(0)) teardown()
    this._leave()
    this._token = undefined
    this._ended = true
    this._moveOn()
  }

  /** Makes every refresh or verification begun until now stale, and ends a wait between failed refreshes. */
  private _moveOn(): void {
    this._generation++
    this._cancelRetry()
  }

  private _leave(): void {
    this._unlisten()
    this._monitor.call(() => this._channel?.close())
    this._channel = undefined
  }

  private async _runRefresh(): Promise<string | undefined> {
    const generation = this._generation
    const {
      retryBaseMs: baseMs = 1_000,
      retryMaxMs: maxMs = 30_000,
      maxRetries = 4,
      random = Math.random,
    } = this._options
    for (let attempt = 0; generation === this._generation; ) {
      try {
        const since = this._clock.now()
        const grant = await this._options.refresh()
        if (generation !== this._generation) break
        if (grant === null) return this._end('expired')
        const { accessToken, expiresInSec } = typeof grant === 'string' ? { accessToken: grant } : grant
        return (await this._adopt(accessToken, this._deadline(expiresInSec), generation, true, since)) ?? this._token
      } catch {
        if (generation !== this._generation) break
        if (++attempt > maxRetries) return this._end('expired')
        await new Promise<void>((resolve) => {
          const cancel = startTimeout(
            this._monitor,
            resolve,
            nextRetryDelay(attempt, undefined, random, { baseMs, maxMs }),
          )
          this._cancelRetry = () => (cancel(), resolve())
        })
      }
    }
    return this._token
  }

  private _deadline(expiresInSec: number | undefined): number | undefined {
    return expiresInSec != null ? this._clock.now() + expiresInSec * 1000 : undefined
  }

  /**
   * Verifies a token and makes it current, unless the session moved on meanwhile (resolves `undefined`).
   * `own`: from this tab (posted to the others, with `since`, when its request began); otherwise from another tab,
   * taken only when it lives longer. `newest` (`setToken`): the refreshes in flight are stale once it is taken.
   */
  private async _adopt(
    token: string,
    expiresAt: number | undefined,
    generation: number,
    own: boolean,
    since?: number,
    newest?: boolean,
  ): Promise<string | undefined> {
    const verify = this._options.verify
    const claims = verify
      ? await verifyJwt(token, verify.key, { ...verify, now: this._clock.now() })
      : decodeJwtSegment(token.split('.')[1] ?? '')
    const exp = claims?.exp
    expiresAt ??= typeof exp === 'number' ? exp * 1000 : undefined
    if (generation !== this._generation || (!own && this._token && !(expiresAt! > this._expiresAt!))) return
    const now = this._clock.now()
    // Adopting a token that is already expired would schedule the next refresh at once, again and again.
    if (!(expiresAt! > now) && expiresAt !== undefined) throw securityError('expired', 'session token already expired')
    if (newest) this._moveOn()
    this._token = token
    this._expiresAt = expiresAt
    this._refreshAt = undefined
    this._ended = false
    this._cancelTimer()
    if (expiresAt !== undefined) {
      const lifetime = expiresAt - now
      const ahead = this._options.refreshAheadMs ?? 60_000
      // Never before half the token's life; a token shorter-lived than the margin is refreshed as it expires. A token
      // from another tab is that tab's to refresh: this one waits half the margin longer, so the new token arrives
      // first, and refreshes only if that tab has gone. (The server rotates the refresh cookie: two tabs refreshing
      // at once would have one refused, and that tab's session would end.)
      const margin = lifetime < ahead ? 0 : Math.min(ahead, lifetime / 2)
      this._refreshAt = expiresAt - (own ? margin : margin / 2)
      this._cancelTimer = startTimeout(
        this._monitor,
        () => void this.refresh(),
        Math.min(MAX_TIMER_MS, this._refreshAt - now),
      )
    }
    this._emit('change')
    if (own) this._post({ t: 'token', token, expiresAt, since })
    return token
  }

  private _end(type: 'expired' | 'logout'): undefined {
    const had = this._token !== undefined
    this._cancelTimer()
    this._token = this._expiresAt = undefined
    this._ended = true
    this._moveOn()
    if (type === 'logout') this._loggedOutAt = this._clock.now()
    if (had || type === 'logout') this._emit(type)
    return undefined
  }

  private _emit(type: SessionEventType): void {
    for (const [wanted, listener] of [...this._listeners]) if (wanted === type) this._monitor.call(listener, { type })
  }

  private _post(message: ChannelMessage): void {
    this._monitor.call(() => this._channel?.postMessage(message))
  }

  private _receive(message: ChannelMessage): void {
    if (message?.t === 'logout') this._end('logout')
    // The same checks as setToken; the newest token wins (an older one arriving late is ignored).
    else if (message?.t === 'token' && typeof message.token === 'string') {
      // Got by a request begun before this tab's logout, or in its millisecond (another tab's refresh that answered
      // late): stale.
      if (message.token !== this._token && !(message.since! <= this._loggedOutAt))
        this._adopt(message.token, message.expiresAt, this._generation, false).catch(this._monitor.report)
    } else this._monitor.report(securityError('malformed', 'session channel: not a session message'))
  }
}

import { createMonitor, globalScope, listen, startTimeout, type Clock, type GlobalScope, type Monitor, type Teardown } from '@marco/core'
import { decodeJwtSegment } from './decodeJwtSegment'
import { verifyJwt, type JwtKey, type VerifyJwtOptions } from './verifyJwt'

/** What `refresh` gives back: the new access token, and its lifetime when the token is not a JWT with `exp`. */
export interface SessionGrant {
  readonly accessToken: string
  readonly expiresInSec?: number
}

/** `change`: a new token (refreshed here or in another tab); `expired`: refresh failed, the session is over; `logout`. */
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
  /** Verify every token before using it (`verifyJwt`); a token that fails counts as a failed refresh. */
  readonly verify?: Omit<VerifyJwtOptions, 'now'> & { readonly key: JwtKey }
  /** Refresh this long before expiry. Default 60,000. */
  readonly refreshAheadMs?: number
  /** Backoff between failed refreshes: doubling from `retryBaseMs` up to `retryMaxMs`, with jitter. Defaults 1,000 / 30,000. */
  readonly retryBaseMs?: number
  readonly retryMaxMs?: number
  /** Failed attempts retried before the session is declared expired. Default 4. */
  readonly maxRetries?: number
  /** The `BroadcastChannel` the origin's tabs share the session on; `false` keeps it to this tab. Default `marco-session`. */
  readonly channelName?: string | false
  readonly scope?: GlobalScope
  readonly clock?: Clock
  readonly monitor?: Monitor
  readonly random?: () => number
}

type ChannelMessage = { t: 'token'; token: string; expiresAt?: number } | { t: 'logout' }

const MAX_TIMER_MS = 2_147_483_647

/**
 * Session tokens for the collaboration service. The access token lives in memory only (never in Web
 * Storage, where any injected script could read it); the page gets a new one from the refresh cookie after a
 * reload. It is refreshed `refreshAheadMs` before it expires, by one request however many callers wait,
 * retried with backoff, and shared with the origin's other tabs over a `BroadcastChannel` (same-origin by
 * definition), so one rotation serves every tab. Public methods never throw or reject.
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
  private readonly _clock: Clock
  private readonly _monitor: Monitor
  private readonly _listeners = new Set<[SessionEventType, (event: SessionEvent) => void]>()
  private _token: string | undefined
  private _expiresAt: number | undefined
  private _inflight: Promise<string | undefined> | undefined
  private _ended = false
  private _cancelTimer: Teardown = () => {}
  private _channel: BroadcastChannel | undefined
  private _unlisten: Teardown = () => {}

  constructor(options: SessionManagerOptions) {
    this._options = options
    const scope = options.scope ?? globalScope
    this._clock = options.clock ?? { now: Date.now, monotonic: Date.now }
    const monitor = (this._monitor = options.monitor ?? createMonitor({ scope }))
    const name = options.channelName ?? 'marco-session'
    monitor.call(() => {
      if (name === false || !scope.BroadcastChannel) return
      const channel = (this._channel = new scope.BroadcastChannel(name))
      this._unlisten = listen<MessageEvent<ChannelMessage>>(monitor, channel, 'message', (event) => this._receive(event.data))
    })
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
    const expiresAt = this._expiresAt ?? Infinity
    if (this._token && now < expiresAt) {
      if (now >= expiresAt - (this._options.refreshAheadMs ?? 60_000)) void this.refresh()
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
    return this._adopt({ accessToken: token, expiresInSec }, true).then(
      () => true,
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
    await this._options.revoke?.(token).catch(this._monitor.report)
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
    this._unlisten()
    this._monitor.call(() => this._channel?.close())
    this._channel = this._token = undefined
    this._ended = true
  }

  private async _runRefresh(): Promise<string | undefined> {
    const { retryBaseMs = 1_000, retryMaxMs = 30_000, maxRetries = 4, random = Math.random } = this._options
    for (let attempt = 0; ; attempt++) {
      try {
        const grant = await this._options.refresh()
        if (grant === null) return this._end('expired')
        return await this._adopt(typeof grant === 'string' ? { accessToken: grant } : grant, true)
      } catch {
        if (attempt >= maxRetries) return this._end('expired')
        const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** attempt) * (0.5 + random() / 2)
        await new Promise<void>((resolve) => startTimeout(this._monitor, resolve, delay))
      }
    }
  }

  private async _adopt(grant: SessionGrant, broadcast: boolean): Promise<string> {
    const { accessToken, expiresInSec } = grant
    const verify = this._options.verify
    const claims = verify
      ? await verifyJwt(accessToken, verify.key, { ...verify, now: this._clock.now() })
      : decodeJwtSegment(accessToken.split('.')[1] ?? '')
    const exp = claims?.exp
    const expiresAt = expiresInSec ? this._clock.now() + expiresInSec * 1000 : typeof exp === 'number' ? exp * 1000 : undefined
    this._set(accessToken, expiresAt)
    if (broadcast) this._post({ t: 'token', token: accessToken, expiresAt })
    return accessToken
  }

  private _set(token: string, expiresAt: number | undefined): void {
    this._token = token
    this._expiresAt = expiresAt
    this._ended = false
    this._cancelTimer()
    if (expiresAt !== undefined) {
      const delay = expiresAt - (this._options.refreshAheadMs ?? 60_000) - this._clock.now()
      this._cancelTimer = startTimeout(this._monitor, () => void this.refresh(), Math.min(MAX_TIMER_MS, Math.max(0, delay)))
    }
    this._emit('change')
  }

  private _end(type: 'expired' | 'logout'): undefined {
    const had = this._token !== undefined
    this._cancelTimer()
    this._token = this._expiresAt = undefined
    this._ended = true
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
    else if (message?.t === 'token' && typeof message.token === 'string' && message.token !== this._token) {
      // The newest token wins; an older one arriving late is ignored.
      if (!this._token || (message.expiresAt ?? Infinity) > (this._expiresAt ?? 0)) this._set(message.token, message.expiresAt)
    }
  }
}

import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createMonitor } from '@marco/core'
import { createFakeScope } from '@marco/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeBase64Url } from './encodeBase64Url'
import { SessionManager, type SessionManagerOptions } from './SessionManager'

const realSetTimeout = globalThis.setTimeout
const sleepReal = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms))
/** Lets real I/O (a local server, a BroadcastChannel) and fake timers due now run until `done()`, for at most 10 s. */
async function until(done: () => boolean): Promise<void> {
  for (const started = performance.now(); !done(); ) {
    if (performance.now() - started > 10_000) throw new Error('timed out waiting')
    await sleepReal(5)
    await vi.advanceTimersByTimeAsync(0)
  }
}

const NOW = Date.UTC(2026, 0, 1)
const secret = new Uint8Array(32).fill(7)
const text = (value: unknown): string => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))

/**
 * An HS256 token that expires `ttlSec` from the (fake) now. Signed synchronously (node:crypto), so a refresh
 * answers within the fake clock's tick, not whenever WebCrypto's thread pool gets to it.
 */
function token(ttlSec: number, sub = 'alice'): string {
  const input = `${text({ alg: 'HS256' })}.${text({ sub, exp: Math.floor(Date.now() / 1000) + ttlSec, jti: Math.random() })}`
  return `${input}.${encodeBase64Url(new Uint8Array(createHmac('sha256', secret).update(input).digest()))}`
}

let channel = 0
const managers: SessionManager[] = []
function create(
  options: Partial<SessionManagerOptions> & Pick<SessionManagerOptions, 'refresh'>,
  name = `test-${channel}`,
): SessionManager {
  const manager = new SessionManager({ channelName: name, random: () => 0.5, ...options })
  managers.push(manager)
  return manager
}

beforeEach(() => {
  channel++
  vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
})
afterEach(() => {
  for (const manager of managers.splice(0)) manager.stop()
  vi.useRealTimers()
})

describe('SessionManager', () => {
  it('runs exactly one refresh for many concurrent callers', async () => {
    let calls = 0
    let release!: (value: string) => void
    const session = create({ refresh: () => (calls++, new Promise<string>((resolve) => (release = resolve))) })
    const waiting = Array.from({ length: 10 }, () => session.getToken())
    const fresh = await token(600)
    release(fresh)
    expect(await Promise.all(waiting)).toEqual(Array(10).fill(fresh))
    expect(calls).toBe(1)
    // A valid token is served from memory.
    expect(await session.getToken()).toBe(fresh)
    expect(calls).toBe(1)
  })

  it('refreshes before the token expires, and again with the rotated token', async () => {
    const tokens = [await token(600), await token(1200), await token(1800)]
    const refresh = vi.fn(async () => tokens.shift()!)
    const session = create({ refresh, refreshAheadMs: 60_000 })
    const changes: string[] = []
    session.on('change', ({ type }) => changes.push(type))
    const first = await session.getToken()
    expect(refresh).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(539_000)
    expect(refresh).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(refresh).toHaveBeenCalledTimes(2)
    expect(await session.getToken()).not.toBe(first)
    expect(changes).toEqual(['change', 'change'])
  })

  it('retries a failing refresh with backoff, then uses the token', async () => {
    const fresh = await token(600)
    let calls = 0
    const session = create({
      refresh: async () => {
        if (++calls < 3) throw new Error('network down')
        return fresh
      },
      retryBaseMs: 1_000,
    })
    const pending = session.getToken()
    // The shared backoff (nextRetryDelay): full jitter under a ceiling doubling from retryBaseMs; random 0.5 → half.
    await vi.advanceTimersByTimeAsync(499)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toBe(3)
    expect(await pending).toBe(fresh)
  })

  it("emits 'expired' and forgets the token when every retry fails", async () => {
    let fail = false
    const session = create({
      refresh: async () => {
        if (fail) throw new Error('503')
        return token(120)
      },
      maxRetries: 2,
      retryBaseMs: 100,
    })
    const expired = vi.fn()
    session.on('expired', expired)
    expect(await session.getToken()).toBeTruthy()
    fail = true
    await vi.advanceTimersByTimeAsync(60_000 + 100 + 200)
    expect(expired).toHaveBeenCalledWith({ type: 'expired' })
    expect(expired).toHaveBeenCalledTimes(1)
    expect(await session.getToken()).toBeUndefined()
  })

  it("treats a null refresh as 'no session': no retries, no repeated requests", async () => {
    const refresh = vi.fn(async () => null)
    const session = create({ refresh })
    expect(await session.getToken()).toBeUndefined()
    expect(await session.getToken()).toBeUndefined()
    expect(refresh).toHaveBeenCalledTimes(1)
  })

  it('refuses a token that fails verification', async () => {
    const forged = `${(await token(600)).slice(0, -4)}AAAA`
    const session = create({
      refresh: async () => forged,
      verify: { key: secret, algorithms: ['HS256'] },
      maxRetries: 0,
    })
    expect(await session.getToken()).toBeUndefined()
    expect(await session.setToken(forged)).toBe(false)
    const good = await token(600)
    expect(await session.setToken(good)).toBe(true)
    expect(await session.getToken()).toBe(good)
  })

  it('keeps the token in memory only', async () => {
    const scope = createFakeScope()
    const session = create({ refresh: async () => token(600), scope, channelName: false })
    await session.getToken()
    expect(scope.localStorage!.length).toBe(0)
  })

  it('shares a refreshed token with the other tabs of the origin, so they do not refresh themselves', async () => {
    const name = `shared-${channel}`
    const refreshA = vi.fn(async () => token(600))
    const refreshB = vi.fn(async () => token(600))
    const tabA = create({ refresh: refreshA }, name)
    const tabB = create({ refresh: refreshB }, name)
    const changed = new Promise((resolve) => tabB.on('change', resolve))
    const fromA = await tabA.getToken()
    await vi.waitFor(() => changed, { timeout: 2_000 })
    expect(await tabB.getToken()).toBe(fromA)
    expect(refreshB).not.toHaveBeenCalled()
  })

  it('logs out every tab and revokes the session on the server', async () => {
    const name = `logout-${channel}`
    const revoke = vi.fn(async () => {})
    const tabA = create({ refresh: async () => token(600), revoke }, name)
    const refreshB = vi.fn(async () => token(600))
    const tabB = create({ refresh: refreshB }, name)
    const shared = new Promise((resolve) => tabB.on('change', resolve))
    const access = await tabA.getToken()
    await vi.waitFor(() => shared, { timeout: 2_000 })
    expect(await tabB.getToken()).toBe(access)
    const loggedOut = new Promise((resolve) => tabB.on('logout', resolve))
    await tabA.logout()
    expect(revoke).toHaveBeenCalledWith(access)
    await vi.waitFor(() => loggedOut, { timeout: 2_000 })
    expect(await tabA.getToken()).toBeUndefined()
    expect(await tabB.getToken()).toBeUndefined()
    expect(refreshB).not.toHaveBeenCalled()
  })

  it('never rejects, even when a listener or revoke throws', async () => {
    const session = create({
      refresh: async () => token(600),
      revoke: async () => Promise.reject(new Error('offline')),
    })
    session.on('change', () => {
      throw new Error('listener bug')
    })
    await expect(session.getToken()).resolves.toBeTruthy()
    await expect(session.logout()).resolves.toBeUndefined()
  })
})

describe('SessionManager after logout or a newer login', () => {
  it('discards a refresh that resolves after logout: no token, only the logout event, nothing sent to other tabs', async () => {
    const name = `stale-${channel}`
    const posted: unknown[] = []
    const otherTab = new BroadcastChannel(name)
    otherTab.onmessage = (event) => posted.push(event.data)
    let release!: (value: string) => void
    const session = create({ refresh: () => new Promise<string>((resolve) => (release = resolve)) }, name)
    const events: string[] = []
    for (const type of ['change', 'expired', 'logout'] as const) session.on(type, (event) => events.push(event.type))
    const pending = session.getToken()
    await session.logout()
    release(await token(600))
    expect(await pending).toBeUndefined()
    expect(await session.getToken()).toBeUndefined()
    expect(events).toEqual(['logout'])
    // A deliberate login afterwards is the marker: one sender's messages arrive in order, so everything the
    // session posted before it has arrived once it has.
    const later = await token(600, 'bob')
    expect(await session.setToken(later)).toBe(true)
    await vi.waitFor(() => expect(posted.at(-1)).toMatchObject({ t: 'token', token: later }))
    expect(posted).toEqual([{ t: 'logout' }, expect.objectContaining({ t: 'token', token: later })])
    otherTab.close()
  })

  it('discards a refresh that resolves after a newer login', async () => {
    let release!: (value: string) => void
    const session = create({ refresh: () => new Promise<string>((resolve) => (release = resolve)) })
    const changes: string[] = []
    session.on('change', (event) => changes.push(event.type))
    const pending = session.getToken()
    const login = await token(600, 'bob')
    expect(await session.setToken(login)).toBe(true)
    release(await token(600, 'alice'))
    expect(await pending).toBe(login)
    expect(await session.getToken()).toBe(login)
    expect(changes).toEqual(['change'])
  })

  it('stops retrying a failing refresh once the user logs out', async () => {
    let calls = 0
    const session = create({
      refresh: async () => {
        calls++
        throw new Error('offline')
      },
    })
    const expired = vi.fn()
    session.on('expired', expired)
    const pending = session.getToken()
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toBe(1)
    await session.logout()
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    expect(calls).toBe(1)
    expect(await pending).toBeUndefined()
    expect(expired).not.toHaveBeenCalled()
  })
})

describe('SessionManager refresh rate', () => {
  /** Stops answering after 100 calls, so a storm ends in a clear failed assertion instead of a hang. */
  function counted<T>(answer: (call: number) => T | Promise<T>) {
    let calls = 0
    let inFlight = 0
    let maxInFlight = 0
    const refresh = async (): Promise<T> => {
      if (++calls > 100) return new Promise<T>(() => {})
      maxInFlight = Math.max(maxInFlight, ++inFlight)
      try {
        return await answer(calls)
      } finally {
        inFlight--
      }
    }
    return { refresh, calls: () => calls, maxInFlight: () => maxInFlight }
  }

  it('refreshes a token that lives shorter than the refresh margin once per lifetime, not in a loop', async () => {
    // 30 s tokens under the default 60 s margin, and an app asking for the token every second for 10 minutes.
    const server = counted((call) => ({ accessToken: `opaque-${call}`, expiresInSec: 30 }))
    const session = create({ refresh: server.refresh })
    const answers: (string | undefined)[] = []
    for (let second = 0; second < 600; second++) {
      void session.getToken().then((answer) => answers.push(answer))
      await vi.advanceTimersByTimeAsync(1_000)
    }
    expect(server.calls()).toBeGreaterThanOrEqual(20)
    expect(server.calls()).toBeLessThanOrEqual(21)
    expect(answers).toHaveLength(600)
    expect(answers.every((answer) => answer?.startsWith('opaque-'))).toBe(true)
  })

  it('does the same for a JWT whose exp is sooner than the margin', async () => {
    const server = counted(() => token(45))
    const session = create({ refresh: server.refresh })
    for (let second = 0; second < 600; second++) {
      void session.getToken()
      await vi.advanceTimersByTimeAsync(1_000)
    }
    // One refresh per 45 s lifetime: 600 / 45 → 14, and the first.
    expect(server.calls()).toBeLessThanOrEqual(15)
    expect(server.calls()).toBeGreaterThanOrEqual(13)
  })

  it('treats an already expired token as a failed refresh: backoff, then the session ends', async () => {
    const server = counted(() => token(-10))
    const session = create({ refresh: server.refresh })
    const expired = vi.fn()
    session.on('expired', expired)
    const changes = vi.fn()
    session.on('change', changes)
    for (let second = 0; second < 600; second++) {
      void session.getToken()
      await vi.advanceTimersByTimeAsync(1_000)
    }
    // The first attempt and maxRetries (4) retries, spaced by the shared backoff; then no more.
    expect(server.calls()).toBe(5)
    expect(await session.getToken()).toBeUndefined()
    // Never adopted; and 'expired' is for a session that had a token, which this one never had.
    expect(changes).not.toHaveBeenCalled()
    expect(expired).not.toHaveBeenCalled()
  })

  it('never has more than one refresh in flight, however often the app asks', async () => {
    // Each refresh takes 5 s; the app asks for the token, and forces a refresh, every 100 ms for 2 minutes.
    const server = counted(
      (call) =>
        new Promise<SessionGrantLike>((resolve) =>
          setTimeout(() => resolve({ accessToken: `opaque-${call}`, expiresInSec: 30 }), 5_000),
        ),
    )
    const session = create({ refresh: server.refresh })
    for (let tick = 0; tick < 1_200; tick++) {
      void session.getToken()
      await vi.advanceTimersByTimeAsync(100)
    }
    expect(server.maxInFlight()).toBe(1)
    // A new 30 s token every 35 s (30 s of life + 5 s to get the next): 120 / 35 → 3, and the first.
    expect(server.calls()).toBeLessThanOrEqual(5)
  })
})

type SessionGrantLike = { accessToken: string; expiresInSec: number }

describe('SessionManager tab channel', () => {
  it('ignores a forged alg:none token posted on the channel, with one debug warning each, and takes a signed one', async () => {
    const name = `forged-${channel}`
    const warn = vi.fn()
    const session = create(
      {
        refresh: async () => null,
        verify: { key: secret, algorithms: ['HS256'] },
        monitor: createMonitor({ debug: true, scope: { console: { warn } as unknown as Console } }),
      },
      name,
    )
    const changes: string[] = []
    session.on('change', (event) => changes.push(event.type))
    const attacker = new BroadcastChannel(name)
    const exp = Math.floor(Date.now() / 1000) + 600
    const forged = `${text({ alg: 'none', typ: 'JWT' })}.${text({ sub: 'mallory', exp })}.`
    attacker.postMessage({ t: 'token', token: forged, expiresAt: exp * 1000 })
    attacker.postMessage({ t: 'token', token: 42 })
    const genuine = await token(600)
    attacker.postMessage({ t: 'token', token: genuine, expiresAt: exp * 1000 })
    await vi.waitFor(() => expect(changes).toEqual(['change']))
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2))
    expect(await session.getToken()).toBe(genuine)
    expect(warn.mock.calls.map((call) => (call[1] as { code?: string }).code).sort()).toEqual([
      'alg_not_allowed',
      'malformed',
    ])
    attacker.close()
  })
})

/** A page's scope whose session channels are counted while open. */
function cachedPage() {
  const open = new Set<BroadcastChannel>()
  class Channel extends BroadcastChannel {
    constructor(name: string) {
      super(name)
      open.add(this)
    }
    override close(): void {
      open.delete(this)
      super.close()
    }
  }
  return { scope: createFakeScope({ overrides: { BroadcastChannel: Channel } }), open }
}

describe('SessionManager and the back/forward cache', () => {
  it('leaves the channel while the page is cached; back, it rejoins and confirms its session with one refresh', async () => {
    const name = `bfcache-${channel}`
    const { scope, open } = cachedPage()
    const refresh = vi.fn(async () => token(600))
    const page = create({ refresh, scope }, name)
    const first = await page.getToken()
    expect(open.size).toBe(1)
    scope.dispatch('pagehide', { persisted: true })
    // Off the channel: another tab's message can no longer reach (and evict) the cached page.
    expect(open.size).toBe(0)
    const tab = create({ refresh: async () => token(600) }, name)
    const tabToken = await tab.getToken()
    const confirmed = new Promise((resolve) => page.on('change', resolve))
    const told = new Promise((resolve) => tab.on('change', resolve))
    // Cached for a while: the token it gets back lives longer than the tab's, which takes it.
    await vi.advanceTimersByTimeAsync(10_000)
    scope.dispatch('pageshow', { persisted: true })
    expect(open.size).toBe(1)
    await confirmed
    expect(refresh).toHaveBeenCalledTimes(2)
    const confirmedToken = await page.getToken()
    expect([first, tabToken]).not.toContain(confirmedToken)
    // Back on the channel, it shares the new token with the other tab as before.
    await vi.waitFor(() => told, { timeout: 2_000 })
    expect(await tab.getToken()).toBe(confirmedToken)
  })

  it('ends a restored session that was logged out while the page was cached', async () => {
    const name = `bfcache-logout-${channel}`
    const { scope } = cachedPage()
    let revoked = false
    const cached = create({ refresh: async () => (revoked ? null : token(600)), scope }, name)
    expect(await cached.getToken()).toBeTruthy()
    scope.dispatch('pagehide', { persisted: true })
    const tab = create({ refresh: async () => token(600), revoke: async () => void (revoked = true) }, name)
    await tab.getToken()
    await tab.logout()
    const ended = new Promise((resolve) => cached.on('expired', resolve))
    scope.dispatch('pageshow', { persisted: true })
    await ended
    expect(await cached.getToken()).toBeUndefined()
  })

  it('keeps the channel on a pagehide that is not into the cache, and asks nothing on a pageshow it never left for', async () => {
    const name = `bfcache-stay-${channel}`
    const { scope, open } = cachedPage()
    const refresh = vi.fn(async () => token(600))
    const page = create({ refresh, scope }, name)
    await page.getToken()
    scope.dispatch('pagehide', { persisted: false })
    expect(open.size).toBe(1)
    scope.dispatch('pageshow', { persisted: true })
    scope.dispatch('pageshow', { persisted: false })
    expect(open.size).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(refresh).toHaveBeenCalledTimes(1)
  })

  it('brings a page without a session back onto the channel without asking the server', async () => {
    const name = `bfcache-none-${channel}`
    const { scope, open } = cachedPage()
    const refresh = vi.fn(async () => null)
    const page = create({ refresh, scope }, name)
    expect(await page.getToken()).toBeUndefined()
    scope.dispatch('pagehide', { persisted: true })
    scope.dispatch('pageshow', { persisted: true })
    expect(open.size).toBe(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(refresh).toHaveBeenCalledTimes(1)
    // On the channel again: a login in another tab reaches it.
    const tab = create({ refresh: async () => token(600) }, name)
    const changed = new Promise((resolve) => page.on('change', resolve))
    const login = await tab.getToken()
    await vi.waitFor(() => changed, { timeout: 2_000 })
    expect(await page.getToken()).toBe(login)
  })

  it('stops listening to the page on stop(): a later pageshow joins nothing', async () => {
    const { scope, open } = cachedPage()
    const page = create({ refresh: async () => token(600), scope }, `bfcache-stop-${channel}`)
    await page.getToken()
    page.stop()
    expect(open.size).toBe(0)
    expect(scope.listenerCount()).toBe(0)
    scope.dispatch('pageshow', { persisted: true })
    expect(open.size).toBe(0)
  })
})

// Found by a hostile review; each of these failed before its fix.
describe('SessionManager: what a second tab, a late refresh or a refused token cannot do', () => {
  it('leaves no timer behind after stop(), even while a failed refresh waits to retry', async () => {
    const session = create({
      channelName: false,
      refresh: async () => {
        throw new Error('offline')
      },
      retryBaseMs: 20_000,
      retryMaxMs: 30_000,
    })
    void session.getToken()
    await vi.advanceTimersByTimeAsync(0)
    session.stop()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('logout() resolves (never rejects) when revoke throws synchronously', async () => {
    const session = create({
      channelName: false,
      refresh: async () => token(600),
      revoke: (accessToken) => {
        // e.g. `fetch('/auth/logout', { headers: { authorization: accessToken!.trim() } })` without a token
        if (!accessToken) throw new TypeError('no token to revoke')
        return Promise.resolve()
      },
    })
    await expect(session.logout()).resolves.toBeUndefined()
  })

  it('keeps a logout that comes while a setToken is being verified: the session stays ended', async () => {
    const session = create({
      channelName: false,
      refresh: async () => null,
      verify: { key: secret, algorithms: ['HS256'] },
    })
    const changes = vi.fn()
    session.on('change', changes)
    const set = session.setToken(token(600))
    await session.logout()
    expect(await set).toBe(false)
    expect(await session.getToken()).toBeUndefined()
    expect(changes).not.toHaveBeenCalled()
  })

  it('a tampered token passed to setToken changes nothing: the refresh in flight still delivers its token', async () => {
    let release!: (value: string) => void
    const session = create({
      channelName: false,
      refresh: () => new Promise<string>((resolve) => (release = resolve)),
      verify: { key: secret, algorithms: ['HS256'] },
    })
    const pending = session.getToken()
    const tampered = `${token(600, 'mallory').slice(0, -4)}AAAA`
    expect(await session.setToken(tampered)).toBe(false)
    const fresh = token(600)
    release(fresh)
    expect(await pending).toBe(fresh)
  })

  it('refreshes a shared token once for all tabs: no second tab replays the rotated refresh cookie or ends the session', async () => {
    // The auth server: rotates the refresh cookie on every use and refuses a used one (401).
    let current = 'rt-1'
    let rotations = 0
    const seen: string[] = []
    const server: Server = createServer((req, res) => {
      const presented = /rt=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? ''
      seen.push(presented)
      if (presented !== current) return void res.writeHead(401).end()
      current = `rt-${++rotations + 1}`
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `rt=${current}; HttpOnly` })
      res.end(JSON.stringify({ accessToken: token(600, `rotation-${rotations}`) }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/refresh`
    // The browser's cookie jar, shared by every tab of the origin.
    const jar = { rt: 'rt-1' }
    const refresh = async () => {
      const response = await fetch(url, { method: 'POST', headers: { cookie: `rt=${jar.rt}` } })
      const set = /rt=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1]
      if (set) jar.rt = set
      return response.status === 401 ? null : ((await response.json()) as { accessToken: string })
    }
    try {
      const name = `rotating-${channel}`
      const tabA = create({ refresh }, name)
      const tabB = create({ refresh }, name)
      const expired = vi.fn()
      tabA.on('expired', expired)
      tabB.on('expired', expired)
      let tokensOfB = 0
      tabB.on('change', () => tokensOfB++)
      await tabA.getToken()
      await until(() => tokensOfB === 1)
      expect(seen).toHaveLength(1)
      // Up to A's scheduled refresh (60 s before exp), and until B has the token it got.
      await vi.advanceTimersByTimeAsync(540_000)
      await until(() => tokensOfB === 2)
      // Past the time B would refresh a token of its own (30 s later): B waits on A's new token instead.
      await vi.advanceTimersByTimeAsync(60_000)
      await until(() => true)
      // One rotation serves every tab: the server sees the first refresh and one more, not one per tab.
      expect(seen).toEqual(['rt-1', 'rt-2'])
      expect(expired).not.toHaveBeenCalled()
    } finally {
      server.close()
    }
  })
})

describe('SessionManager: a logout racing another tab’s refresh', () => {
  it("keeps the tab that logged out ended when another tab's refresh answers after the logout", async () => {
    const name = `race-${channel}`
    const tabA = create({ refresh: async () => token(600), revoke: async () => {} }, name)
    let releaseB!: (value: string) => void
    const tabB = create({ refresh: () => new Promise<string>((resolve) => (releaseB = resolve)) }, name)
    const heardByB: string[] = []
    for (const type of ['change', 'logout'] as const) tabB.on(type, () => heardByB.push(type))
    await tabA.getToken()
    await until(() => heardByB.length === 1)
    void tabB.refresh() // B's scheduled refresh, in flight
    const changesA = vi.fn()
    tabA.on('change', changesA)

    await tabA.logout()
    releaseB(token(600, 'after-logout')) // the server answered B's request before it saw the revoke
    // B took its token (and posted it) before A's logout reached it, then heard the logout.
    await until(() => heardByB.length === 3)
    expect(heardByB).toEqual(['change', 'change', 'logout'])
    await until(() => true)
    // The tab the user logged out in must not come back with a session.
    expect(changesA).not.toHaveBeenCalled()
    expect(await tabA.getToken()).toBeUndefined()
  })
})

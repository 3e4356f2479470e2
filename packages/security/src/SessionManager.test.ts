import { createFakeScope } from '@marco/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeBase64Url } from './encodeBase64Url'
import { SessionManager, type SessionManagerOptions } from './SessionManager'

const NOW = Date.UTC(2026, 0, 1)
const secret = new Uint8Array(32).fill(7)
const text = (value: unknown): string => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))

/** An HS256 token that expires `ttlSec` from the (fake) now. */
async function token(ttlSec: number, sub = 'alice'): Promise<string> {
  const input = `${text({ alg: 'HS256' })}.${text({ sub, exp: Math.floor(Date.now() / 1000) + ttlSec, jti: Math.random() })}`
  const key = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return `${input}.${encodeBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))))}`
}

let channel = 0
const managers: SessionManager[] = []
function create(options: Partial<SessionManagerOptions> & Pick<SessionManagerOptions, 'refresh'>, name = `test-${channel}`): SessionManager {
  const manager = new SessionManager({ channelName: name, random: () => 1, ...options })
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
    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(2_000)
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
    const session = create({ refresh: async () => forged, verify: { key: secret, algorithms: ['HS256'] }, maxRetries: 0 })
    expect(await session.getToken()).toBeUndefined()
    expect(await session.setToken(forged)).toBe(false)
    const good = await token(600)
    expect(await session.setToken(good)).toBe(true)
    expect(await session.getToken()).toBe(good)
  })

  it('keeps the token in memory only', async () => {
    const scope = createFakeScope()
    const session = create({ refresh: () => token(600), scope, channelName: false })
    await session.getToken()
    expect(scope.localStorage!.length).toBe(0)
  })

  it('shares a refreshed token with the other tabs of the origin, so they do not refresh themselves', async () => {
    const name = `shared-${channel}`
    const refreshA = vi.fn(() => token(600))
    const refreshB = vi.fn(() => token(600))
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
    const tabA = create({ refresh: () => token(600), revoke }, name)
    const refreshB = vi.fn(() => token(600))
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
    const session = create({ refresh: () => token(600), revoke: async () => Promise.reject(new Error('offline')) })
    session.on('change', () => {
      throw new Error('listener bug')
    })
    await expect(session.getToken()).resolves.toBeTruthy()
    await expect(session.logout()).resolves.toBeUndefined()
  })
})

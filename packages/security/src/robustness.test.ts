// What a hostile or unlucky other side cannot do to the client half of the package — a second tab refreshing, a
// refresh answering after a logout, a tampered token, a throwing `revoke`, a misused key, a signalling message
// without SDP — and a schema without `min`: each case was a defect, and each test fails without its fix.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakeClock } from '@marco/testing'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeBase64Url } from './encodeBase64Url'
import { PeerAuthenticator } from './PeerAuthenticator'
import { SessionManager, type SessionManagerOptions } from './SessionManager'
import { validateMessage } from './validateMessage'
import { verifyJwt } from './verifyJwt'

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

function token(ttlSec: number, sub = 'alice'): string {
  const input = `${text({ alg: 'HS256' })}.${text({ sub, exp: Math.floor(Date.now() / 1000) + ttlSec, jti: Math.random() })}`
  return `${input}.${encodeBase64Url(new Uint8Array(createHmac('sha256', secret).update(input).digest()))}`
}

let channel = 0
const managers: SessionManager[] = []
function create(
  options: Partial<SessionManagerOptions> & Pick<SessionManagerOptions, 'refresh'>,
  name = `robustness-${channel}`,
): SessionManager {
  const manager = new SessionManager({ channelName: name, random: () => 0.5, ...options })
  managers.push(manager)
  return manager
}

describe('SessionManager', () => {
  beforeEach(() => {
    channel++
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })
  afterEach(() => {
    for (const manager of managers.splice(0)) manager.stop()
    vi.useRealTimers()
  })

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

describe('validateMessage', () => {
  it('accepts a negative number where the schema sets no min', () => {
    const Move = {
      type: 'object',
      properties: { dx: { type: 'number' }, dy: { type: 'number', max: 100 }, z: { type: 'number', integer: true } },
    } as const
    expect(validateMessage(Move, { dx: -3.5, dy: -1, z: -2 })).toEqual({ ok: true, value: { dx: -3.5, dy: -1, z: -2 } })
  })
})

describe('verifyJwt', () => {
  it('refuses a PEM public key used as the HMAC secret even with a leading newline or BOM (key_mismatch)', async () => {
    const subtle = globalThis.crypto.subtle
    const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey))
    const body = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----\n`
    const nowSec = NOW / 1000
    for (const pemText of [`\n${body}`, `\uFEFF${body}`, `  ${body}`]) {
      const pem = new TextEncoder().encode(pemText)
      // The attacker knows the public key, so can "sign" with it as an HMAC secret.
      const forgingKey = await subtle.importKey('raw', pem, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const input = `${text({ alg: 'HS256' })}.${text({ sub: 'mallory', exp: nowSec + 300 })}`
      const sig = await subtle.sign('HMAC', forgingKey, new TextEncoder().encode(input))
      const forged = `${input}.${encodeBase64Url(new Uint8Array(sig))}`
      await expect(verifyJwt(forged, pem, { algorithms: ['ES256', 'HS256'], now: NOW })).rejects.toMatchObject({
        code: 'key_mismatch',
      })
    }
  })
})

describe('PeerAuthenticator', () => {
  it('rejects with a reason code (not a TypeError) when the signalling message carries no SDP string', async () => {
    const fingerprint = Array.from({ length: 32 }, () => 'AA').join(':')
    const sdp = [
      'v=0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      `a=fingerprint:sha-256 ${fingerprint}`,
      '',
    ].join('\r\n')
    const clock = createFakeClock()
    const alice = new PeerAuthenticator({ peerId: 'alice', clock })
    const bob = new PeerAuthenticator({ peerId: 'bob', clock })
    const statement = await alice.sign(sdp, 'bob')
    const roster = { peerId: 'alice', publicKey: await alice.publicKey() }
    for (const hostile of [undefined, 42, { sdp }] as unknown as string[]) {
      const error = await bob.verify(statement, hostile, roster).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: expect.any(String) })
    }
  })
})

describe('SessionManager: a logout racing another tab’s refresh', () => {
  beforeEach(() => {
    channel++
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] })
  })
  afterEach(() => {
    for (const manager of managers.splice(0)) manager.stop()
    vi.useRealTimers()
  })

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

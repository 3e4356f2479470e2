import { createFakeClock, createMemoryStorage } from '@marco/testing'
import { describe, expect, it } from 'vitest'
import { extractFingerprints } from './extractFingerprints'
import { PeerAuthenticator } from './PeerAuthenticator'

const fingerprint = (byte: string) => Array.from({ length: 32 }, () => byte).join(':')
const sdp = (byte: string) =>
  [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=fingerprint:sha-256 ${fingerprint(byte)}`,
    'a=setup:actpass',
    'a=mid:0',
    '',
  ].join('\r\n')

/** The roster entry of a participant: the key it published, under the id the collaboration service knows it by. */
const keyOf = async (auth: PeerAuthenticator) => ({ peerId: auth.peerId, publicKey: await auth.publicKey() })

function pair() {
  const clock = createFakeClock()
  const alice = new PeerAuthenticator({ peerId: 'alice', clock })
  const bob = new PeerAuthenticator({ peerId: 'bob', clock })
  return { clock, alice, bob }
}

describe('PeerAuthenticator', () => {
  it('lets honest peers accept each other, both ways', async () => {
    const { alice, bob } = pair()
    const offer = sdp('AA')
    const answer = sdp('BB')
    const fromAlice = await alice.sign(offer, 'bob')
    const fromBob = await bob.sign(answer, 'alice')
    await expect(bob.verify(fromAlice, offer, await keyOf(alice))).resolves.toEqual({
      peerId: 'alice',
      fingerprints: [`sha-256 ${fingerprint('AA')}`],
    })
    await expect(alice.verify(fromBob, answer, await keyOf(bob))).resolves.toMatchObject({ peerId: 'bob' })
  })

  it('detects a signalling server that swaps the SDP (man in the middle)', async () => {
    const { alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    // The server forwards Alice's statement but its own SDP, with its own DTLS certificate.
    await expect(bob.verify(statement, sdp('EE'), await keyOf(alice))).rejects.toMatchObject({
      code: 'fingerprint_mismatch',
      message: expect.stringContaining('replaced in transit'),
    })
    // Nor can it rewrite the statement to match its SDP: the signature breaks.
    await expect(
      bob.verify({ ...statement, fingerprints: [`sha-256 ${fingerprint('EE')}`] }, sdp('EE'), await keyOf(alice)),
    ).rejects.toMatchObject({ code: 'bad_signature' })
  })

  it('refuses a replayed statement', async () => {
    const { alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    await bob.verify(statement, sdp('AA'), await keyOf(alice))
    await expect(bob.verify(statement, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'replayed' })
  })

  it('refuses a stale timestamp, old or from the future', async () => {
    const { clock, alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    clock.advance(61_000)
    await expect(bob.verify(statement, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'stale' })
    clock.advance(-122_000)
    await expect(bob.verify(statement, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'stale' })
    await expect(bob.verify({ ...statement, ts: Number.NaN }, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({
      code: 'stale',
    })
  })

  it('refuses a statement checked against the wrong key, or signed by someone else', async () => {
    const { alice, bob } = pair()
    const mallory = new PeerAuthenticator({ peerId: 'alice', clock: createFakeClock() })
    const statement = await alice.sign(sdp('AA'), 'bob')
    await expect(bob.verify(statement, sdp('AA'), await keyOf(mallory))).rejects.toMatchObject({
      code: 'bad_signature',
    })
    const forged = await mallory.sign(sdp('AA'), 'bob')
    await expect(bob.verify(forged, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'bad_signature' })
    await expect(
      bob.verify(statement, sdp('AA'), { peerId: 'alice', publicKey: { kty: 'oct', k: 'AAAA' } }),
    ).rejects.toMatchObject({ code: 'bad_key' })
  })

  it('refuses a statement meant for another peer, malformed input, and SDPs without a fingerprint', async () => {
    const { alice, bob } = pair()
    const carol = new PeerAuthenticator({ peerId: 'carol', clock: createFakeClock() })
    const statement = await alice.sign(sdp('AA'), 'carol')
    await expect(bob.verify(statement, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({
      code: 'wrong_recipient',
    })
    await expect(carol.verify(statement, sdp('AA'), await keyOf(alice))).resolves.toMatchObject({ peerId: 'alice' })
    await expect(bob.verify({} as never, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'malformed' })
    await expect(bob.verify(null as never, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({ code: 'malformed' })
    await expect(alice.sign('v=0\r\n', 'bob')).rejects.toMatchObject({ code: 'no_fingerprint' })
    const fresh = await alice.sign(sdp('AA'), 'bob')
    await expect(bob.verify(fresh, 'v=0\r\n', await keyOf(alice))).rejects.toMatchObject({ code: 'no_fingerprint' })
  })

  it('keeps the private key non-extractable', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const auth = new PeerAuthenticator({ peerId: 'alice', keyPair })
    expect(await auth.publicKey()).toMatchObject({ kty: 'EC', crv: 'P-256' })
    const own = new PeerAuthenticator({ peerId: 'x' })
    await own.sign(sdp('AA'), 'y')
    // The generated pair: the private half cannot be exported.
    const generated = await (own as unknown as { _keyPair(): Promise<CryptoKeyPair> })._keyPair()
    expect(generated.privateKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('jwk', generated.privateKey)).rejects.toThrow()
  })

  it('normalizes fingerprints from every level of the SDP', () => {
    const text = `${sdp('ab')}a=fingerprint:SHA-256 ${fingerprint('AB')}\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=fingerprint:sha-256 ${fingerprint('cd')}\r\n`
    expect(extractFingerprints(text)).toEqual([`sha-256 ${fingerprint('AB')}`, `sha-256 ${fingerprint('CD')}`])
  })

  it('names the peer the key belongs to, never the one the statement claims to be from', async () => {
    const { clock, alice, bob } = pair()
    // Mallory is a legitimate participant with her own published key, but signs as 'alice'.
    const mallory = new PeerAuthenticator({ peerId: 'alice', clock })
    const malloryInRoster = { peerId: 'mallory', publicKey: await mallory.publicKey() }
    const posing = await mallory.sign(sdp('EE'), 'bob')
    expect(posing.from).toBe('alice')
    await expect(bob.verify(posing, sdp('EE'), malloryInRoster)).rejects.toMatchObject({
      code: 'wrong_sender',
      message: expect.stringContaining('mallory'),
    })
    // The genuine Alice, checked against Alice's roster entry: her identity comes from the roster.
    const honest = await alice.sign(sdp('AA'), 'bob')
    await expect(bob.verify(honest, sdp('AA'), await keyOf(alice))).resolves.toMatchObject({ peerId: 'alice' })
    // A bare key carries no identity: refused.
    await expect(
      bob.verify(await alice.sign(sdp('AA'), 'bob'), sdp('AA'), (await alice.publicKey()) as never),
    ).rejects.toMatchObject({ code: 'bad_key' })
  })

  it('refuses a statement replayed to the reloaded page (seen nonces kept in sessionStorage)', async () => {
    const clock = createFakeClock()
    const sessionStorage = createMemoryStorage()
    const alice = new PeerAuthenticator({ peerId: 'alice', clock })
    const statement = await alice.sign(sdp('AA'), 'bob')
    const beforeReload = new PeerAuthenticator({ peerId: 'bob', clock, scope: { sessionStorage } })
    await expect(beforeReload.verify(statement, sdp('AA'), await keyOf(alice))).resolves.toMatchObject({
      peerId: 'alice',
    })
    // The page reloads: a new instance, the same tab's sessionStorage.
    clock.advance(30_000)
    const afterReload = new PeerAuthenticator({ peerId: 'bob', clock, scope: { sessionStorage } })
    await expect(afterReload.verify(statement, sdp('AA'), await keyOf(alice))).rejects.toMatchObject({
      code: 'replayed',
    })
    // A fresh statement is still welcome.
    await expect(
      afterReload.verify(await alice.sign(sdp('AA'), 'bob'), sdp('AA'), await keyOf(alice)),
    ).resolves.toMatchObject({ peerId: 'alice' })
  })

  it('keeps the stored nonces bounded and forgets expired ones', async () => {
    const clock = createFakeClock()
    const sessionStorage = createMemoryStorage()
    const alice = new PeerAuthenticator({ peerId: 'alice', clock })
    const bob = new PeerAuthenticator({ peerId: 'bob', clock, scope: { sessionStorage } })
    const key = await keyOf(alice)
    const stored = () => JSON.parse(sessionStorage.getItem(sessionStorage.key(0)!)!) as unknown[]
    for (let i = 0; i < 1_100; i++) await bob.verify(await alice.sign(sdp('AA'), 'bob'), sdp('AA'), key)
    expect(sessionStorage.length).toBe(1)
    expect(stored()).toHaveLength(1_000)
    clock.advance(61_000)
    await bob.verify(await alice.sign(sdp('AA'), 'bob'), sdp('AA'), key)
    expect(stored()).toHaveLength(1)
  })

  it('still refuses replays when sessionStorage is corrupt, throws, or is missing', async () => {
    const clock = createFakeClock()
    const alice = new PeerAuthenticator({ peerId: 'alice', clock })
    const key = await keyOf(alice)
    const corrupt = (value: string) => {
      const storage = createMemoryStorage()
      storage.setItem('marco-peer-auth:bob', value)
      return storage
    }
    const throwing = new Proxy(createMemoryStorage(), {
      get: () => () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
      },
    })
    const scopes = [
      ...['{', '5', '[[1,2],["x"],null]', JSON.stringify([['alice x', 'tomorrow']]), `[${'['.repeat(5_000)}`].map(
        (value) => ({ sessionStorage: corrupt(value) }),
      ),
      { sessionStorage: throwing },
      {},
    ]
    for (const scope of scopes) {
      const bob = new PeerAuthenticator({ peerId: 'bob', clock, scope })
      const statement = await alice.sign(sdp('AA'), 'bob')
      await expect(bob.verify(statement, sdp('AA'), key)).resolves.toMatchObject({ peerId: 'alice' })
      await expect(bob.verify(statement, sdp('AA'), key)).rejects.toMatchObject({ code: 'replayed' })
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

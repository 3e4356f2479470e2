import { createFakeClock } from '@marco/testing'
import { describe, expect, it } from 'vitest'
import { extractFingerprints } from './extractFingerprints'
import { PeerAuthenticator } from './PeerAuthenticator'

const fingerprint = (byte: string) => Array.from({ length: 32 }, () => byte).join(':')
const sdp = (byte: string) =>
  ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', `a=fingerprint:sha-256 ${fingerprint(byte)}`, 'a=setup:actpass', 'a=mid:0', ''].join('\r\n')

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
    await expect(bob.verify(fromAlice, offer, await alice.publicKey())).resolves.toEqual({ peerId: 'alice', fingerprints: [`sha-256 ${fingerprint('AA')}`] })
    await expect(alice.verify(fromBob, answer, await bob.publicKey())).resolves.toMatchObject({ peerId: 'bob' })
  })

  it('detects a signalling server that swaps the SDP (man in the middle)', async () => {
    const { alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    // The server forwards Alice's statement but its own SDP, with its own DTLS certificate.
    await expect(bob.verify(statement, sdp('EE'), await alice.publicKey())).rejects.toMatchObject({
      code: 'fingerprint_mismatch',
      message: expect.stringContaining('replaced in transit'),
    })
    // Nor can it rewrite the statement to match its SDP: the signature breaks.
    await expect(bob.verify({ ...statement, fingerprints: [`sha-256 ${fingerprint('EE')}`] }, sdp('EE'), await alice.publicKey())).rejects.toMatchObject({ code: 'bad_signature' })
  })

  it('refuses a replayed statement', async () => {
    const { alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    await bob.verify(statement, sdp('AA'), await alice.publicKey())
    await expect(bob.verify(statement, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'replayed' })
  })

  it('refuses a stale timestamp, old or from the future', async () => {
    const { clock, alice, bob } = pair()
    const statement = await alice.sign(sdp('AA'), 'bob')
    clock.advance(61_000)
    await expect(bob.verify(statement, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'stale' })
    clock.advance(-122_000)
    await expect(bob.verify(statement, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'stale' })
    await expect(bob.verify({ ...statement, ts: Number.NaN }, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'stale' })
  })

  it('refuses a statement checked against the wrong key, or signed by someone else', async () => {
    const { alice, bob } = pair()
    const mallory = new PeerAuthenticator({ peerId: 'alice', clock: createFakeClock() })
    const statement = await alice.sign(sdp('AA'), 'bob')
    await expect(bob.verify(statement, sdp('AA'), await mallory.publicKey())).rejects.toMatchObject({ code: 'bad_signature' })
    const forged = await mallory.sign(sdp('AA'), 'bob')
    await expect(bob.verify(forged, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'bad_signature' })
    await expect(bob.verify(statement, sdp('AA'), { kty: 'oct', k: 'AAAA' })).rejects.toMatchObject({ code: 'bad_key' })
  })

  it('refuses a statement meant for another peer, malformed input, and SDPs without a fingerprint', async () => {
    const { alice, bob } = pair()
    const carol = new PeerAuthenticator({ peerId: 'carol', clock: createFakeClock() })
    const statement = await alice.sign(sdp('AA'), 'carol')
    await expect(bob.verify(statement, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'wrong_recipient' })
    await expect(carol.verify(statement, sdp('AA'), await alice.publicKey())).resolves.toMatchObject({ peerId: 'alice' })
    await expect(bob.verify({} as never, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'malformed' })
    await expect(bob.verify(null as never, sdp('AA'), await alice.publicKey())).rejects.toMatchObject({ code: 'malformed' })
    await expect(alice.sign('v=0\r\n', 'bob')).rejects.toMatchObject({ code: 'no_fingerprint' })
    const fresh = await alice.sign(sdp('AA'), 'bob')
    await expect(bob.verify(fresh, 'v=0\r\n', await alice.publicKey())).rejects.toMatchObject({ code: 'no_fingerprint' })
  })

  it('keeps the private key non-extractable', async () => {
    const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
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
})

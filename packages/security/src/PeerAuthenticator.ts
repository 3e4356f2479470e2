import { globalScope, type Clock, type GlobalScope } from '@marco/core'
import { decodeBase64Url } from './decodeBase64Url'
import { encodeBase64Url } from './encodeBase64Url'
import { extractFingerprints } from './extractFingerprints'
import { rememberNonce } from './rememberNonce'
import { securityError } from './securityError'

/** What one peer sends the other through signalling, next to its SDP. */
export interface PeerStatement {
  /** The signer's peer id. */
  readonly from: string
  /** The peer it is meant for: a statement cannot be replayed to someone else. */
  readonly to: string
  /** The signer's DTLS certificate fingerprints, as its SDP announces them. */
  readonly fingerprints: readonly string[]
  readonly nonce: string
  /** Epoch milliseconds when it was signed. */
  readonly ts: number
  /** ECDSA P-256 / SHA-256 signature, base64url. */
  readonly sig: string
}

/** Why a statement was refused (`error.code`). */
export type PeerAuthErrorCode =
  | 'malformed'
  | 'wrong_recipient'
  | 'wrong_sender'
  | 'stale'
  | 'bad_key'
  | 'bad_signature'
  | 'no_fingerprint'
  | 'fingerprint_mismatch'
  | 'replayed'

/** What a verified statement proves: who holds the key, and the certificate that peer's DTLS will use. */
export interface PeerIdentity {
  /** The identity the key belongs to, from the caller's trusted roster (never the statement's own `from`). */
  readonly peerId: string
  readonly fingerprints: readonly string[]
}

/** A roster entry: the key a participant published, under the identity the collaboration service knows it by. */
export interface PeerKey {
  readonly peerId: string
  readonly publicKey: JsonWebKey | CryptoKey
}

export interface PeerAuthenticatorOptions {
  /** This participant's id. */
  readonly peerId: string
  /**
   * An existing ECDSA P-256 key pair (say, kept in IndexedDB); default a new one with a non-extractable private key.
   */
  readonly keyPair?: CryptoKeyPair | Promise<CryptoKeyPair>
  /** How far a statement's timestamp may be from now; also how long nonces are remembered. Default 60,000. */
  readonly windowMs?: number
  /** Where `sessionStorage` comes from: the nonces seen are kept there, so a reloaded page still refuses a replay. */
  readonly scope?: GlobalScope
  readonly clock?: Clock
  readonly subtle?: SubtleCrypto
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const refuse = (code: PeerAuthErrorCode, detail = ''): Error =>
  securityError(code, `peer refused: ${code.replace(/_/g, ' ')} ${detail}`.trim())
const signedBytes = (s: Omit<PeerStatement, 'sig'>): Uint8Array<ArrayBuffer> =>
  new TextEncoder().encode(JSON.stringify(['marco-peer-auth/1', s.from, s.to, s.fingerprints, s.nonce, s.ts]))

/**
 * WebRTC peer authentication bound to DTLS. Each side signs a statement naming its own certificate
 * fingerprint (read from its SDP), the recipient, a nonce and the time; the other side checks the signature
 * against the peer's published key and that the signed fingerprint is the one in the SDP it actually
 * received. A signalling server that swaps SDPs to sit in the middle cannot produce that signature, so it is
 * caught; replayed and stale statements are refused, replays to a reloaded page too (the nonces seen are
 * kept in the tab's `sessionStorage`). The verified identity is the roster's: the peer whose published key
 * checked the signature, and it must be the one the statement names (`wrong_sender` otherwise).
 *
 * @example
 * const auth = new PeerAuthenticator({ peerId: 'alice' })
 * publishToRoster(await auth.publicKey())
 * await pc.setLocalDescription(await pc.createOffer())
 * signal.send({ sdp: pc.localDescription, statement: await auth.sign(pc.localDescription!.sdp, 'bob') })
 * // on the answer:
 * await auth.verify(answer.statement, answer.sdp.sdp, { peerId: 'bob', publicKey: roster.keyOf('bob') }) // rejects
 * with a reason code
 */
export class PeerAuthenticator {
  readonly peerId: string
  private readonly _options: PeerAuthenticatorOptions
  private readonly _clock: Pick<Clock, 'now'>
  private readonly _subtle: SubtleCrypto
  private readonly _seen = new Map<string, number>()
  private _keys: Promise<CryptoKeyPair> | undefined

  constructor(options: PeerAuthenticatorOptions) {
    this.peerId = options.peerId
    this._options = options
    this._clock = options.clock ?? Date
    this._subtle = options.subtle ?? globalThis.crypto.subtle
  }

  /**
   * This participant's public key as a JWK, to publish through the collaboration service.
   *
   * @example
   * await auth.publicKey() // { kty: 'EC', crv: 'P-256', x: '…', y: '…', key_ops: ['verify'], ext: true }
   */
  async publicKey(): Promise<JsonWebKey> {
    return this._subtle.exportKey('jwk', (await this._keyPair()).publicKey)
  }

  /**
   * Signs this side's statement for `remotePeerId`, binding the fingerprints in `localSdp`. Rejects
   * (`no_fingerprint`) if the SDP has none.
   *
   * @example
   * const statement = await auth.sign(pc.localDescription!.sdp, 'bob')
   */
  async sign(localSdp: string, remotePeerId: string): Promise<PeerStatement> {
    const fingerprints = extractFingerprints(localSdp)
    if (!fingerprints.length) throw refuse('no_fingerprint')
    const unsigned = {
      from: this.peerId,
      to: remotePeerId,
      fingerprints,
      nonce: encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(16))),
      ts: this._clock.now(),
    }
    const sig = await this._subtle.sign(ECDSA, (await this._keyPair()).privateKey, signedBytes(unsigned))
    return { ...unsigned, sig: encodeBase64Url(new Uint8Array(sig)) }
  }

  /**
   * Checks the remote side's statement against the SDP received with it and the peer's roster entry (the key
   * it published, under its trusted identity); resolves to that identity or rejects with a `code`:
   * `malformed`, `wrong_recipient`, `stale`, `bad_key`, `bad_signature`, `wrong_sender` (signed with this
   * peer's key but claiming to be someone else), `no_fingerprint`, `fingerprint_mismatch`, `replayed`.
   *
   * @example
   * const { peerId } = await auth.verify(statement, remoteDescription.sdp, { peerId: 'bob', publicKey: bobsPublicJwk })
   */
  async verify(statement: PeerStatement, remoteSdp: string, peer: PeerKey): Promise<PeerIdentity> {
    const { from, to, fingerprints, nonce, ts, sig } = statement ?? {}
    // Other members of the wrong type cannot match what an honest peer signed: the signature check refuses them.
    const signature = decodeBase64Url(String(sig))
    if (!signature || !Array.isArray(fingerprints) || typeof remoteSdp !== 'string') throw refuse('malformed')
    if (to !== this.peerId) throw refuse('wrong_recipient', String(to))
    const now = this._clock.now()
    const windowMs = this._options.windowMs ?? 60_000
    if (!(Math.abs(now - ts) <= windowMs)) throw refuse('stale', `by ${now - ts} ms`)
    let key: CryptoKey
    let peerId: string
    try {
      const { publicKey } = peer
      peerId = String(peer.peerId)
      key =
        'type' in publicKey
          ? publicKey
          : await this._subtle.importKey(
              'jwk',
              { kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x, y: publicKey.y },
              ECDSA,
              false,
              ['verify'],
            )
    } catch {
      throw refuse('bad_key', 'not an ECDSA P-256 roster entry')
    }
    const valid = await this._subtle
      .verify(ECDSA, key, new Uint8Array(signature), signedBytes(statement))
      .catch(() => false)
    if (!valid) throw refuse('bad_signature', `from ${peerId}`)
    if (from !== peerId) throw refuse('wrong_sender', `${peerId} signed as ${from}`)
    const received = extractFingerprints(remoteSdp)
    if (!received.length) throw refuse('no_fingerprint')
    if (received.join() !== [...fingerprints].sort().join())
      throw refuse('fingerprint_mismatch', '(the SDP was replaced in transit)')
    if (
      !rememberNonce(
        this._seen,
        this._options.scope ?? globalScope,
        `marco-peer-auth:${this.peerId}`,
        `${peerId} ${nonce}`,
        ts + windowMs,
        now,
      )
    )
      throw refuse('replayed')
    return { peerId, fingerprints: received }
  }

  private _keyPair(): Promise<CryptoKeyPair> {
    return (this._keys ??= Promise.resolve(
      this._options.keyPair ?? (this._subtle.generateKey(ECDSA, false, ['sign', 'verify']) as Promise<CryptoKeyPair>),
    ))
  }
}

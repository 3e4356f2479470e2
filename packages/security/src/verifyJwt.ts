import { decodeBase64Url } from './decodeBase64Url'
import { decodeJwtSegment } from './decodeJwtSegment'
import { securityError } from './securityError'

/** JWS algorithms this package verifies. `none` is not one of them, and never will be. */
export type JwtAlgorithm = 'HS256' | 'ES256' | 'EdDSA'

/** A verification key: a `CryptoKey`, a JWK (public parts are used), or raw HMAC secret bytes (HS256 only). */
export type JwtKey = CryptoKey | JsonWebKey | Uint8Array | ArrayBuffer

/** Why a token was refused (`error.code`). */
export type JwtErrorCode =
  | 'malformed'
  | 'alg_not_allowed'
  | 'key_mismatch'
  | 'unsupported'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'bad_audience'
  | 'bad_issuer'

/** The error `verifyJwt` rejects with. */
export type JwtError = Error & { readonly code: JwtErrorCode }

/** Registered claims plus any others. */
export interface JwtClaims {
  readonly iss?: string
  readonly sub?: string
  readonly aud?: string | readonly string[]
  readonly exp?: number
  readonly nbf?: number
  readonly iat?: number
  readonly jti?: string
  readonly [claim: string]: unknown
}

export interface VerifyJwtOptions {
  /** The algorithms accepted (an allow-list; required). */
  readonly algorithms: readonly JwtAlgorithm[]
  /** Accepted audience(s): `aud` must contain one. */
  readonly audience?: string | readonly string[]
  /** Accepted issuer(s). */
  readonly issuer?: string | readonly string[]
  /** Clock skew allowed on `exp`, `nbf` and `iat`. Default 0. */
  readonly clockToleranceSec?: number
  /** The current time in epoch milliseconds. Default `Date.now()`. */
  readonly now?: number
  readonly subtle?: SubtleCrypto
}

// alg → [importKey / verify algorithm, the key type a JWK must have, its curve]
const ALGORITHMS: Record<JwtAlgorithm, [EcKeyImportParams | HmacImportParams | Algorithm, string, string?]> = {
  HS256: [{ name: 'HMAC', hash: 'SHA-256' }, 'oct'],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, 'EC', 'P-256'],
  EdDSA: [{ name: 'Ed25519' }, 'OKP', 'Ed25519'],
}

const fail = (code: JwtErrorCode, detail: unknown = ''): JwtError =>
  securityError(code, `JWT refused: ${code.replace(/_/g, ' ')} ${detail}`.trim())

const includes = (accepted: string | readonly string[], value: unknown): boolean =>
  typeof value === 'string' && (typeof accepted === 'string' ? accepted === value : accepted.includes(value))

/**
 * Verifies a compact JWS and its time and audience claims with WebCrypto; resolves to the claims or rejects
 * with a `JwtError` whose `code` and message say why. Refuses any algorithm not allowed (and `none` always),
 * a key of the wrong kind for the token's algorithm (so an HS256 token "signed" with a published ES256 or
 * EdDSA public key fails), HMAC secrets under 256 bits, PEM text as an HMAC secret, unknown `crit`
 * extensions, and non-canonical base64. `EdDSA` needs a platform with Ed25519 in WebCrypto (Node 20,
 * Chromium 137+, Firefox 129+, Safari 17+); elsewhere it rejects with `unsupported`.
 *
 * @example
 * const claims = await verifyJwt(token, publicJwk, { algorithms: ['ES256'], audience: 'marco-collab', issuer:
 * 'https://auth.example.com', clockToleranceSec: 30 })
 */
export async function verifyJwt(token: string, key: JwtKey, options: VerifyJwtOptions): Promise<JwtClaims> {
  const { algorithms, clockToleranceSec: tolerance = 0, now = Date.now(), subtle = globalThis.crypto.subtle } = options
  const parts = String(token).split('.')
  const header = parts.length === 3 ? decodeJwtSegment(parts[0]!) : undefined
  const claims = header && decodeJwtSegment(parts[1]!)
  const signature = claims && decodeBase64Url(parts[2]!)
  if (!signature || header!.crit) throw fail('malformed')
  const alg = header!.alg as JwtAlgorithm
  if (!algorithms.includes(alg) || !Object.hasOwn(ALGORITHMS, alg)) throw fail('alg_not_allowed', String(alg))
  const [params, kty, crv] = ALGORITHMS[alg]

  let cryptoKey = key as CryptoKey
  // A CryptoKey of another algorithm (an ECDSA public key handed to an HS256 token) makes subtle.verify
  // throw, which is refused below as a bad signature.
  if (!('algorithm' in key)) {
    const raw = key instanceof Uint8Array || key instanceof ArrayBuffer
    const jwk = key as JsonWebKey
    // Only the public members of a JWK, so a private JWK (or one whose key_ops omit verify) still imports.
    const material = raw
      ? new Uint8Array(key)
      : kty === 'oct'
        ? decodeBase64Url(jwk.k ?? '')
        : { kty, crv, x: jwk.x, y: jwk.y }
    // Raw bytes are only ever an HMAC secret: a public key (PEM text, wherever it starts) used as one is the classic
    // algorithm-confusion forgery.
    if (
      (kty === 'oct' && new TextDecoder().decode(material as Uint8Array).includes('-----BEGIN')) ||
      (raw ? kty !== 'oct' : jwk.kty !== kty || jwk.crv !== crv)
    )
      throw fail('key_mismatch', `for ${alg}`)
    if (kty === 'oct' && ((material as Uint8Array | undefined)?.length ?? 0) < 32)
      throw fail('key_mismatch', 'HMAC secret under 256 bits')
    try {
      const importKey = subtle.importKey.bind(subtle) as (format: string, ...rest: unknown[]) => Promise<CryptoKey>
      cryptoKey = await importKey(kty === 'oct' ? 'raw' : 'jwk', material, params, false, ['verify'])
    } catch (error) {
      throw fail(alg === 'EdDSA' ? 'unsupported' : 'key_mismatch', String(error))
    }
  }
  const data = new TextEncoder().encode(`${parts[0]}.${parts[1]}`)
  if (
    !(await subtle
      .verify({ ...params, hash: 'SHA-256' }, cryptoKey, new Uint8Array(signature), data)
      .catch(() => false))
  )
    throw fail('bad_signature')

  const nowSec = now / 1000
  const { exp = Infinity, nbf = -Infinity, iat = -Infinity, aud, iss } = claims as JwtClaims
  if (typeof exp + typeof nbf + typeof iat !== 'numbernumbernumber') throw fail('malformed', 'exp, nbf or iat')
  if (nowSec - tolerance >= exp) throw fail('expired', exp)
  if (nowSec + tolerance < nbf) throw fail('not_yet_valid', nbf)
  if (iat > nowSec + tolerance) throw fail('issued_in_future', iat)
  if (options.audience && ![aud].flat().some((value) => includes(options.audience!, value)))
    throw fail('bad_audience', JSON.stringify(aud))
  if (options.issuer && !includes(options.issuer, iss)) throw fail('bad_issuer', JSON.stringify(iss))
  return claims as JwtClaims
}

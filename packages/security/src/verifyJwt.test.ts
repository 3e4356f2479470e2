import { describe, expect, it } from 'vitest'
import { encodeBase64Url } from './encodeBase64Url'
import { verifyJwt, type JwtAlgorithm } from './verifyJwt'

const subtle = globalThis.crypto.subtle
const NOW = Date.UTC(2026, 0, 1)
const nowSec = NOW / 1000
const text = (value: unknown): string => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))
const secret = new Uint8Array(32).map((_, i) => i + 1)

async function sign(
  header: object,
  claims: object,
  key: CryptoKey | 'none',
  algorithm?: AlgorithmIdentifier | EcdsaParams,
): Promise<string> {
  const input = `${text(header)}.${text(claims)}`
  if (key === 'none') return `${input}.`
  const signature = await subtle.sign(algorithm!, key, new TextEncoder().encode(input))
  return `${input}.${encodeBase64Url(new Uint8Array(signature))}`
}

const claims = {
  sub: 'alice',
  aud: 'marco-collab',
  iss: 'https://auth.example.com',
  iat: nowSec - 10,
  nbf: nowSec - 10,
  exp: nowSec + 300,
}
const accept = {
  algorithms: ['ES256', 'HS256', 'EdDSA'] as JwtAlgorithm[],
  audience: 'marco-collab',
  issuer: 'https://auth.example.com',
  now: NOW,
}

async function es256() {
  const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const jwk = await subtle.exportKey('jwk', pair.publicKey)
  const token = await sign({ alg: 'ES256', typ: 'JWT' }, claims, pair.privateKey, { name: 'ECDSA', hash: 'SHA-256' })
  return { pair, jwk, token }
}

const hmacKey = () => subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])

function tamper(token: string, part: 0 | 1 | 2): string {
  const parts = token.split('.')
  const segment = parts[part]!
  // Flip a character in the middle, where every bit counts.
  const i = Math.floor(segment.length / 2)
  parts[part] = segment.slice(0, i) + (segment[i] === 'A' ? 'B' : 'A') + segment.slice(i + 1)
  return parts.join('.')
}

describe('verifyJwt', () => {
  it('accepts valid ES256 (JWK and CryptoKey), HS256 (bytes and JWK) and EdDSA tokens', async () => {
    const { pair, jwk, token } = await es256()
    await expect(verifyJwt(token, jwk, accept)).resolves.toMatchObject({ sub: 'alice' })
    await expect(verifyJwt(token, pair.publicKey, accept)).resolves.toMatchObject({ sub: 'alice' })
    const hs = await sign({ alg: 'HS256' }, claims, await hmacKey(), 'HMAC')
    await expect(verifyJwt(hs, secret, accept)).resolves.toMatchObject({ sub: 'alice' })
    await expect(verifyJwt(hs, { kty: 'oct', k: encodeBase64Url(secret) }, accept)).resolves.toMatchObject({
      sub: 'alice',
    })
    const ed = (await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const edToken = await sign({ alg: 'EdDSA' }, claims, ed.privateKey, 'Ed25519')
    await expect(verifyJwt(edToken, await subtle.exportKey('jwk', ed.publicKey), accept)).resolves.toMatchObject({
      sub: 'alice',
    })
  })

  it('rejects a tampered signature, payload or header', async () => {
    const { jwk, token } = await es256()
    for (const part of [0, 1, 2] as const) {
      await expect(verifyJwt(tamper(token, part), jwk, accept)).rejects.toMatchObject({
        code: expect.stringMatching(/bad_signature|malformed/),
      })
    }
    // A payload rewritten to other valid JSON: the signature no longer matches.
    const [header, , signature] = token.split('.')
    await expect(
      verifyJwt(`${header}.${text({ ...claims, sub: 'mallory' })}.${signature}`, jwk, accept),
    ).rejects.toMatchObject({ code: 'bad_signature' })
    await expect(
      verifyJwt(`${text({ alg: 'ES256', kid: 'x' })}.${token.split('.')[1]}.${signature}`, jwk, accept),
    ).rejects.toMatchObject({ code: 'bad_signature' })
  })

  it("rejects alg 'none', even when asked to allow it", async () => {
    const { jwk } = await es256()
    const unsigned = await sign({ alg: 'none' }, claims, 'none')
    await expect(verifyJwt(unsigned, jwk, accept)).rejects.toMatchObject({ code: 'alg_not_allowed' })
    const withJunk = `${unsigned}AAAA`
    await expect(verifyJwt(withJunk, jwk, { ...accept, algorithms: ['none' as JwtAlgorithm] })).rejects.toMatchObject({
      code: 'alg_not_allowed',
    })
  })

  it('rejects an HS256 token "signed" with the ES256 public key, whatever form the key takes', async () => {
    const { pair, jwk } = await es256()
    const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey))
    const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey))
    const pem = new TextEncoder().encode(
      `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----\n`,
    )
    for (const material of [pem, raw, spki, new TextEncoder().encode(JSON.stringify(jwk))]) {
      const forgingKey = await subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const forged = await sign({ alg: 'HS256' }, claims, forgingKey, 'HMAC')
      // The verifier configured for ES256 with the public key, as JWK or CryptoKey:
      await expect(verifyJwt(forged, jwk, accept)).rejects.toMatchObject({ code: 'key_mismatch' })
      await expect(verifyJwt(forged, pair.publicKey, accept)).rejects.toMatchObject({ code: 'bad_signature' })
      await expect(verifyJwt(forged, jwk, { ...accept, algorithms: ['ES256'] })).rejects.toMatchObject({
        code: 'alg_not_allowed',
      })
    }
    // A PEM public key mistakenly passed as the HMAC secret is refused outright.
    const forgingKey = await subtle.importKey('raw', pem, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    await expect(
      verifyJwt(await sign({ alg: 'HS256' }, claims, forgingKey, 'HMAC'), pem, accept),
    ).rejects.toMatchObject({ code: 'key_mismatch' })
  })

  it('rejects expired, not-yet-valid, future-issued tokens, within the configured clock tolerance', async () => {
    const key = await hmacKey()
    const at = async (overrides: object) => sign({ alg: 'HS256' }, { ...claims, ...overrides }, key, 'HMAC')
    await expect(verifyJwt(await at({ exp: nowSec - 1 }), secret, accept)).rejects.toMatchObject({ code: 'expired' })
    await expect(verifyJwt(await at({ exp: nowSec }), secret, accept)).rejects.toMatchObject({ code: 'expired' })
    await expect(
      verifyJwt(await at({ exp: nowSec - 20 }), secret, { ...accept, clockToleranceSec: 30 }),
    ).resolves.toBeTruthy()
    await expect(verifyJwt(await at({ nbf: nowSec + 60 }), secret, accept)).rejects.toMatchObject({
      code: 'not_yet_valid',
    })
    await expect(
      verifyJwt(await at({ nbf: nowSec + 20 }), secret, { ...accept, clockToleranceSec: 30 }),
    ).resolves.toBeTruthy()
    await expect(verifyJwt(await at({ iat: nowSec + 60 }), secret, accept)).rejects.toMatchObject({
      code: 'issued_in_future',
    })
    await expect(verifyJwt(await at({ exp: '9999999999' }), secret, accept)).rejects.toMatchObject({
      code: 'malformed',
    })
  })

  it('rejects a wrong audience or issuer', async () => {
    const key = await hmacKey()
    const token = await sign({ alg: 'HS256' }, claims, key, 'HMAC')
    await expect(verifyJwt(token, secret, { ...accept, audience: 'other-service' })).rejects.toMatchObject({
      code: 'bad_audience',
    })
    await expect(verifyJwt(token, secret, { ...accept, audience: ['x', 'marco-collab'] })).resolves.toBeTruthy()
    await expect(
      verifyJwt(await sign({ alg: 'HS256' }, { ...claims, aud: ['a', 'b'] }, key, 'HMAC'), secret, accept),
    ).rejects.toMatchObject({ code: 'bad_audience' })
    await expect(verifyJwt(token, secret, { ...accept, issuer: 'https://evil.example.com' })).rejects.toMatchObject({
      code: 'bad_issuer',
    })
  })

  it('rejects short HMAC secrets, malformed tokens and crit headers with a clear message', async () => {
    const key = await hmacKey()
    const token = await sign({ alg: 'HS256' }, claims, key, 'HMAC')
    await expect(verifyJwt(token, secret.slice(0, 16), accept)).rejects.toThrow(
      /JWT refused: key mismatch HMAC secret under 256 bits/,
    )
    for (const bad of ['', 'a.b', 'a.b.c.d', `${token} `, token.replace(/\./, '..')]) {
      await expect(verifyJwt(bad, secret, accept)).rejects.toMatchObject({ code: 'malformed' })
    }
    await expect(
      verifyJwt(await sign({ alg: 'HS256', crit: ['b64'] }, claims, key, 'HMAC'), secret, accept),
    ).rejects.toMatchObject({ code: 'malformed' })
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

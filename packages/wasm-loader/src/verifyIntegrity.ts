import { WasmIntegrityError } from './WasmLoadError'
import type { WasmScope } from './types'

/**
 * Checks `bytes` against a Subresource Integrity string (`sha256-`, `sha384-` or `sha512-` and a base64
 * digest; several allowed) with SubtleCrypto, as SRI does: only the strongest algorithm listed counts, and
 * any of its digests may match. Rejects with `WasmIntegrityError` naming the expected and actual digests
 * (`actual` empty without SubtleCrypto or a known algorithm); resolves when they match.
 *
 * @example
 * await verifyIntegrity(bytes, 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC', globalScope)
 */
export async function verifyIntegrity(
  bytes: Uint8Array<ArrayBuffer>,
  integrity: string,
  scope: WasmScope,
  url?: string,
): Promise<void> {
  const tokens: string[] = integrity.match(/sha(256|384|512)-[^\s?]+/g) ?? []
  const bits = tokens
    .map((token) => token.slice(3, 6))
    .sort()
    .pop()
  const subtle = scope.crypto?.subtle
  // SRI treats a value with no known algorithm as no constraint; for code we run, refuse instead.
  const actual =
    bits && subtle
      ? `sha${bits}-${btoa(String.fromCharCode(...new Uint8Array(await subtle.digest(`SHA-${bits}`, bytes))))}`
      : ''
  if (!tokens.includes(actual)) throw new WasmIntegrityError(integrity, actual, url)
}

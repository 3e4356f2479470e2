import { decodeBase64Url } from './decodeBase64Url'

/**
 * One JWT segment (header or payload) → its JSON object, or `undefined` when it is not base64url JSON of an
 * object. Decodes only: it proves nothing about who wrote the token.
 *
 * @example
 * decodeJwtSegment(token.split('.')[1]!)?.exp // 1767225600
 */
export function decodeJwtSegment(segment: string): Record<string, unknown> | undefined {
  const bytes = decodeBase64Url(segment)
  if (!bytes) return undefined
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * MurmurHash3 (x86, 32-bit, seed 0) of a string's UTF-8 bytes, as an unsigned 32-bit integer. Chosen over
 * FNV-1a for its finalizer: ids that differ only in their last character still land far apart, which the
 * assignment's uniformity and independence across experiments rely on.
 *
 * @example
 * murmur3('hello') // 0x248bfa47
 */
export function murmur3(text: string): number {
  const bytes = new TextEncoder().encode(text)
  const length = bytes.length
  const mix = (k: number): number => Math.imul(rotate(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593)
  let hash = 0
  let i = 0
  for (; i + 4 <= length; i += 4) {
    hash ^= mix(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))
    hash = (Math.imul(rotate(hash, 13), 5) + 0xe6546b64) | 0
  }
  let tail = 0
  for (let shift = 0; i < length; i++, shift += 8) tail |= bytes[i]! << shift
  if (length & 3) hash ^= mix(tail)
  hash ^= length
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  return (hash ^ (hash >>> 16)) >>> 0
}

const rotate = (x: number, by: number): number => (x << by) | (x >>> (32 - by))

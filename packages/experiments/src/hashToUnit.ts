import { murmur3 } from './murmur3'

/**
 * The one assignment hash, shared by the SDK and the collector (which verifies exposures with it):
 * MurmurHash3 x86 32-bit (seed 0) of the UTF-8 bytes of `key + "\u001f" + seed + "\u001f" + id`, divided by
 * 2^32, so a number in [0, 1). The unit separator (U+001F) keeps `("ab", "c")` and `("a", "bc")` apart.
 *
 * @example
 * hashToUnit('renderer', '', 'a1b2c3') // 0.7312… — the same on every page load, in every browser and in Node
 */
export function hashToUnit(key: string, seed: string, id: string): number {
  return murmur3(`${key}\u001f${seed}\u001f${id}`) / 4294967296
}

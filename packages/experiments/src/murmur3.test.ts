import { describe, expect, it } from 'vitest'
import { hashToUnit } from './hashToUnit'
import { murmur3 } from './murmur3'

describe('murmur3', () => {
  it('gives the published MurmurHash3 x86_32 values (seed 0), multi-byte UTF-8 included', () => {
    expect(murmur3('')).toBe(0)
    expect(murmur3('hello')).toBe(0x248bfa47)
    expect(murmur3('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723)
    // Every tail length (0-3 bytes after the last full block).
    expect(['a', 'ab', 'abc', 'abcd'].map(murmur3)).toEqual([0x3c2569b2, 0x9bbfd75f, 0xb3dd93fa, 0x43ed676a])
    // UTF-8 bytes, not UTF-16 code units (values from an independent Python implementation over str.encode()).
    expect(murmur3('ü')).toBe(0x7840e6aa)
    expect(murmur3('😀 Marco')).toBe(0xa93a6fc7)
    expect(murmur3('renderer\u001f\u001fuser-1')).toBe(0x68451bbc)
  })
})

describe('hashToUnit', () => {
  it('is in [0, 1), the same on every call, and keeps its three parts apart', () => {
    const u = hashToUnit('renderer', '', 'user-1')
    expect(u).toBeGreaterThanOrEqual(0)
    expect(u).toBeLessThan(1)
    expect(hashToUnit('renderer', '', 'user-1')).toBe(u)
    expect(hashToUnit('ab', 'c', 'x')).not.toBe(hashToUnit('a', 'bc', 'x'))
    expect(hashToUnit('renderer', 's2', 'user-1')).not.toBe(u)
    expect(hashToUnit('renderer', '', 'user-1')).toBe(murmur3('renderer\u001f\u001fuser-1') / 2 ** 32)
  })
})

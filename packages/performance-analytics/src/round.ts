/**
 * Two decimals: enough for milliseconds, short on the wire.
 *
 * @example
 * round(16.66666) // 16.67
 */
export function round(value: number): number {
  return Math.round(value * 100) / 100
}

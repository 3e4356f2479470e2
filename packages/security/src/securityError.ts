/**
 * An `Error` with a machine-readable `code`: what this package's promises reject with when refusing input.
 *
 * @example
 * throw securityError('stale', 'peer refused: timestamp outside the validity window')
 */
export function securityError<C extends string>(code: C, message: string): Error & { readonly code: C } {
  return Object.assign(new Error(message), { code })
}

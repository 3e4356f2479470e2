/**
 * Values marked by `transfer()`, with what to move along with them. Weak: a marked value that is never sent is
 * collected.
 */
const marked = new WeakMap<object, Transferable[]>()

/**
 * Marks `value` so that `transferables` are moved, not copied, when it is sent as an argument or returned
 * as a result: the sender's buffers are detached (length 0) and the receiver gets them without a copy.
 *
 * @example
 * const pixels = new Uint8Array(1 << 20)
 * await remote.blur(transfer(pixels, [pixels.buffer])) // pixels.byteLength is now 0
 */
export function transfer<T>(value: T, transferables: Transferable[]): T {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) marked.set(value, transferables)
  return value
}

/**
 * What to transfer with these values (those marked by `transfer()`).
 *
 * @example
 * endpoint.postMessage(message, transferListOf(args))
 */
export function transferListOf(values: readonly unknown[]): Transferable[] {
  const list: Transferable[] = []
  for (const value of values) {
    const found = value !== null && typeof value === 'object' ? marked.get(value) : undefined
    if (found) list.push(...found)
  }
  return list
}

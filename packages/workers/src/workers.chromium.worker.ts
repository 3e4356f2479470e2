// The module worker the Chromium tests start from its URL (served as /worker.js): expose() on its own scope.
import { expose } from './expose'
import { transfer } from './transfer'

export const chromiumWorkerApi = {
  add: (a: number, b: number) => a + b,
  sum: (buffer: ArrayBuffer) => new Uint8Array(buffer).reduce((total, byte) => total + byte, 0),
  fill(length: number) {
    const bytes = new Uint8Array(length).fill(3)
    return transfer(bytes, [bytes.buffer])
  },
  fail(message: string): never {
    throw new TypeError(message)
  },
  /** Where this runs: a worker's scope has no document. */
  where: () => (typeof (globalThis as { document?: unknown }).document === 'undefined' ? 'worker' : 'page'),
}

expose(chromiumWorkerApi)

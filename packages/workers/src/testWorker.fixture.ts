// The worker the Node tests start with worker_threads (bundled by nodeWorker.fixture.ts): `expose` on the
// parent port, as a browser worker does on its global scope.
import { parentPort, threadId } from 'node:worker_threads'
import { expose } from './expose'
import { transfer } from './transfer'
import type { Endpoint } from './types'

export const testWorkerApi = {
  add: (a: number, b: number) => a + b,
  thread: () => threadId,
  sum: (buffer: ArrayBuffer) => new Uint8Array(buffer).reduce((total, byte) => total + byte, 0),
  fill(length: number) {
    const bytes = new Uint8Array(length).fill(9)
    return transfer(bytes, [bytes.buffer])
  },
  fail(message: string): never {
    const error = new TypeError(message)
    throw error
  },
  /** Resolves after `ms` unless cancelled; answers whether it was. */
  sleep(ms: number, signal?: AbortSignal) {
    return new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('slept'), ms)
      signal?.addEventListener('abort', () => {
        clearTimeout(timer)
        cancelledCalls++
        resolve('cancelled')
      })
    })
  },
  cancelled: () => cancelledCalls,
  /** A task of the pool test: a little async work, then its input back. */
  async task(i: number) {
    await new Promise((resolve) => setImmediate(resolve))
    return i
  },
  /** Kills this worker (as an out-of-memory kill or a crash would). */
  die(): never {
    process.exit(3)
  },
}
let cancelledCalls = 0

expose(testWorkerApi, parentPort as unknown as Endpoint)

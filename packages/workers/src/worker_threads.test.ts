import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startNodeWorker, testWorkerCode } from './nodeWorker.fixture'
import type { testWorkerApi } from './testWorker.fixture'
import { transfer } from './transfer'
import { wrap } from './wrap'

let code: string
const started: { terminate(): unknown }[] = []

beforeAll(async () => {
  code = await testWorkerCode()
})
afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => worker.terminate()))
})

function connect() {
  const worker = startNodeWorker(code)
  started.push(worker)
  return wrap<typeof testWorkerApi>(worker)
}

describe('expose / wrap over worker_threads', () => {
  it('calls into another thread with typed results', async () => {
    const remote = connect()
    await expect(remote.add(20, 22)).resolves.toBe(42)
    await expect(remote.thread()).resolves.toBeGreaterThan(0)
  })

  it('transfers a buffer to the worker (the sender’s copy is detached) and a result back', async () => {
    const remote = connect()
    const bytes = new Uint8Array(1 << 20).fill(1)
    await expect(remote.sum(transfer(bytes.buffer, [bytes.buffer]))).resolves.toBe(1 << 20)
    expect(bytes.byteLength).toBe(0)
    const filled = await remote.fill(8)
    expect(Array.from(filled)).toEqual(new Array(8).fill(9))
  })

  it('rejects with the worker’s error, stack included', async () => {
    const remote = connect()
    const error = (await remote.fail('bad input').catch((caught: unknown) => caught)) as Error
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'TypeError', message: 'bad input' })
    expect(error.stack).toMatch(/TypeError: bad input\n\s+at /)
  })

  it('tells the worker about a cancelled call and a timed-out one', async () => {
    const remote = connect()
    const controller = new AbortController()
    const call = remote.sleep.with({ signal: controller.signal })(60_000)
    controller.abort()
    await expect(call).rejects.toMatchObject({ name: 'AbortError' })
    await expect(remote.sleep.with({ timeoutMs: 20 })(60_000)).rejects.toMatchObject({ name: 'TimeoutError' })
    // Messages are ordered: by the time this answers, the worker has seen both cancels.
    await expect(remote.cancelled()).resolves.toBe(2)
  })
})

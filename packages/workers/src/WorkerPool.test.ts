import { MessageChannel } from 'node:worker_threads'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createFakeContext } from '@marco/testing'
import { expose } from './expose'
import { startNodeWorker, testWorkerCode } from './nodeWorker.fixture'
import { QueueFullError } from './QueueFullError'
import type { Endpoint } from './types'
import { WorkerCrashedError } from './WorkerCrashedError'
import { WorkerPool } from './WorkerPool'

/** An in-process worker: `expose` on the far side of a MessageChannel, plus `error` events on demand. */
function fakeWorker(api: object) {
  const { port1, port2 } = new MessageChannel()
  expose(api, port2 as unknown as Endpoint)
  const events = new EventTarget()
  const worker = {
    terminated: false,
    postMessage: (message: unknown, transfer?: Transferable[]) => port1.postMessage(message, transfer as never),
    addEventListener(type: string, listener: (event: never) => void) {
      if (type === 'message') port1.addEventListener('message', listener as never)
      else events.addEventListener(type, listener as never)
    },
    removeEventListener(type: string, listener: (event: never) => void) {
      if (type === 'message') port1.removeEventListener('message', listener as never)
      else events.removeEventListener(type, listener as never)
    },
    start: () => port1.start(),
    terminate() {
      worker.terminated = true
      port1.close()
      port2.close()
    },
    /** As a browser reports an uncaught error or a script that failed to load. */
    crash: (message?: string) => events.dispatchEvent(Object.assign(new Event('error'), { message })),
  }
  return worker
}

const pools: WorkerPool[] = []
function createPool(options: Partial<ConstructorParameters<typeof WorkerPool>[0]> & { api?: object } = {}) {
  const workers: ReturnType<typeof fakeWorker>[] = []
  const hold: { release: () => void }[] = []
  const api = options.api ?? {
    echo: (value: unknown) => value,
    /** Waits until the test releases it (or the call is cancelled). */
    hold: (signal?: AbortSignal) =>
      new Promise((resolve, reject) => {
        hold.push({ release: () => resolve('released') })
        signal?.addEventListener('abort', () => reject(signal.reason))
      }),
    fail: () => {
      throw new SyntaxError('bad scene')
    },
  }
  const pool = new WorkerPool({
    url: '/worker.js',
    size: 2,
    createWorker: () => {
      const worker = fakeWorker(api)
      workers.push(worker)
      return worker
    },
    ...options,
  })
  pools.push(pool)
  return { pool, workers, hold }
}

afterEach(() => {
  for (const pool of pools.splice(0)) pool.terminate()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('WorkerPool', () => {
  it('runs tasks on up to `size` workers, started on demand, and queues the rest', async () => {
    const { pool, workers, hold } = createPool({ size: 2 })
    expect(workers).toHaveLength(0)
    const calls = [pool.run('hold'), pool.run('hold'), pool.run('echo', ['third'])]
    expect(workers).toHaveLength(2)
    expect(pool.stats()).toMatchObject({ workers: 2, busy: 2, queued: 1 })
    await vi.waitFor(() => expect(hold).toHaveLength(2))
    hold[0]!.release()
    hold[1]!.release()
    await expect(Promise.all(calls)).resolves.toEqual(['released', 'released', 'third'])
    expect(pool.stats()).toMatchObject({ workers: 2, busy: 0, queued: 0, completed: 3, failed: 0 })
  })

  it('sizes itself to hardwareConcurrency - 1, at least 1', () => {
    vi.stubGlobal('navigator', { hardwareConcurrency: 8 })
    const { pool, workers } = createPool({ size: undefined })
    for (let i = 0; i < 10; i++) void pool.run('hold').catch(() => {})
    expect(workers).toHaveLength(7)
    vi.stubGlobal('navigator', { hardwareConcurrency: 1 })
    const single = createPool({ size: undefined })
    void single.pool.run('hold').catch(() => {})
    void single.pool.run('hold').catch(() => {})
    expect(single.workers).toHaveLength(1)
  })

  it('rejects with QueueFullError once maxQueue tasks wait, and never queues more', async () => {
    const { pool } = createPool({ size: 1, maxQueue: 2 })
    const accepted = [pool.run('hold'), pool.run('echo', [1]), pool.run('echo', [2])]
    for (const call of accepted) call.catch(() => {})
    const refused = await pool.run('echo', [3]).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(QueueFullError)
    expect((refused as Error).message).toBe('WorkerPool queue is full (2 tasks wait): slow down, or raise maxQueue')
    expect(pool.stats()).toMatchObject({ queued: 2, rejected: 1 })
  })

  it('passes the worker’s error through with its name and stack', async () => {
    const { pool } = createPool()
    await expect(pool.run('fail')).rejects.toMatchObject({ name: 'SyntaxError', message: 'bad scene' })
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, workers: 1 })
  })

  it('fails the task of a crashed worker with WorkerCrashedError, replaces the worker and runs what waits', async () => {
    const { pool, workers, hold } = createPool({ size: 1 })
    const running = pool.run('hold')
    const waiting = pool.run('echo', ['after the crash'])
    await vi.waitFor(() => expect(hold).toHaveLength(1))
    workers[0]!.crash('Uncaught RangeError: out of memory')
    const error = await running.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WorkerCrashedError)
    expect((error as Error).message).toBe('worker /worker.js Uncaught RangeError: out of memory')
    await expect(waiting).resolves.toBe('after the crash')
    expect(workers).toHaveLength(2)
    expect(workers[0]!.terminated).toBe(true)
    expect(pool.stats()).toMatchObject({ crashed: 1, workers: 1, completed: 1, failed: 1 })
  })

  it('stops starting workers whose script never loads: three crashes before any answer fail the queue', async () => {
    const { pool, workers } = createPool({ size: 1, api: {} })
    const calls = Array.from({ length: 5 }, (_, i) => pool.run('echo', [i]).catch((error: unknown) => error))
    for (let i = 0; i < 3; i++) workers[i]!.crash()
    const outcomes = await Promise.all(calls)
    expect(outcomes.every((outcome) => outcome instanceof WorkerCrashedError)).toBe(true)
    expect((outcomes[4] as Error).message).toBe('worker /worker.js does not start: failed to load or crashed')
    expect(workers).toHaveLength(3)
    expect(pool.stats()).toMatchObject({ queued: 0, workers: 0, crashed: 3 })
  })

  it('rejects run() clearly when no worker can be created', async () => {
    const { pool } = createPool({
      createWorker: () => {
        throw new DOMException("Refused to create a worker: violates worker-src 'self'", 'SecurityError')
      },
    })
    await expect(pool.run('echo', [1])).rejects.toMatchObject({ name: 'SecurityError' })
  })

  it('removes a waiting task when its signal aborts, and cancels a running one inside the worker', async () => {
    const { pool, hold } = createPool({ size: 1 })
    const running = new AbortController()
    const waiting = new AbortController()
    const first = pool.run('hold', [], { signal: running.signal })
    const second = pool.run('echo', ['never'], { signal: waiting.signal })
    waiting.abort(new DOMException('not needed', 'AbortError'))
    await expect(second).rejects.toMatchObject({ message: 'not needed' })
    expect(pool.stats().queued).toBe(0)
    await vi.waitFor(() => expect(hold).toHaveLength(1))
    running.abort()
    await expect(first).rejects.toMatchObject({ name: 'AbortError' })
    await expect(pool.run('echo', ['next'])).resolves.toBe('next')
  })

  it('times tasks out from run(), waiting time included', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { pool } = createPool({ size: 1, timeoutMs: 1_000 })
    const running = pool.run('hold').catch((error: unknown) => error)
    const waiting = pool.run('echo', [1], { timeoutMs: 500 }).catch((error: unknown) => error)
    vi.advanceTimersByTime(500)
    expect(await waiting).toMatchObject({ name: 'TimeoutError', message: 'echo() timed out after 500 ms' })
    vi.advanceTimersByTime(500)
    expect(await running).toMatchObject({ name: 'TimeoutError', message: 'hold() timed out after 1000 ms' })
  })

  it('terminates a worker that stayed idle for idleTimeoutMs, and starts a fresh one for new work', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { pool, workers } = createPool({ size: 1, idleTimeoutMs: 10_000 })
    await expect(pool.run('echo', [1])).resolves.toBe(1)
    vi.advanceTimersByTime(9_999)
    expect(pool.stats().workers).toBe(1)
    vi.advanceTimersByTime(1)
    expect(pool.stats().workers).toBe(0)
    expect(workers[0]!.terminated).toBe(true)
    await expect(pool.run('echo', [2])).resolves.toBe(2)
    expect(workers).toHaveLength(2)
  })

  it('terminate() rejects running and waiting tasks with an AbortError and refuses new ones', async () => {
    const { pool, workers } = createPool({ size: 1 })
    const calls = [pool.run('hold'), pool.run('echo', [1])].map((call) => call.catch((error: unknown) => error))
    pool.terminate()
    pool.terminate()
    expect(await Promise.all(calls)).toMatchObject([{ name: 'AbortError' }, { name: 'AbortError' }])
    await expect(pool.run('echo', [1])).rejects.toMatchObject({ name: 'AbortError', message: 'WorkerPool terminated' })
    expect(workers[0]!.terminated).toBe(true)
  })

  it('reports durations and event-loop lag measured inside the workers', async () => {
    const { pool } = createPool({ size: 2 })
    await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run('echo', [i])))
    const { taskMs, lagMs } = pool.stats()
    expect(taskMs.count).toBe(20)
    expect(lagMs.count).toBe(20)
    expect(taskMs.max).toBeGreaterThanOrEqual(taskMs.p50)
    expect(lagMs.mean).toBeGreaterThanOrEqual(0)
  })

  it('as a Feature, reports its statistics as a performance event when that consent is granted', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const context = createFakeContext({ consent: { defaults: { performance: 'granted' } } })
    const { pool } = createPool({ reportIntervalMs: 1_000 })
    const teardown = pool.setup(context)
    vi.advanceTimersByTime(1_000)
    expect(context.queue.events).toHaveLength(0) // nothing ran yet
    await pool.run('echo', [1])
    vi.advanceTimersByTime(1_000)
    expect(context.queue.ofType('worker_pool')).toMatchObject([
      { category: 'performance', payload: { completed: 1, workers: 1 } },
    ])
    teardown()
    await pool.run('echo', [2])
    vi.advanceTimersByTime(5_000)
    expect(context.queue.events).toHaveLength(1)
  })
})

describe('WorkerPool over worker_threads', () => {
  let code: string
  beforeAll(async () => {
    code = await testWorkerCode()
  })

  it('settles every one of 10,000 tasks when a worker is killed mid-way: results or WorkerCrashedError, none hangs', async () => {
    const threads: ReturnType<typeof startNodeWorker>[] = []
    const pool = new WorkerPool({
      url: 'test-worker',
      size: 3,
      maxQueue: 10_000,
      createWorker: () => {
        const worker = startNodeWorker(code)
        threads.push(worker)
        return worker
      },
    })
    pools.push(pool)
    let resolved = 0
    let killed = false
    const tasks = Array.from({ length: 10_000 }, (_, i) =>
      pool.run<number>('task', [i]).then((value) => {
        if (++resolved === 3_000 && !killed) {
          killed = true
          // Killed from outside while it runs a task, as the OS would after an out-of-memory error.
          void threads[0]!.terminate()
        }
        return value
      }),
    )
    const outcomes = await Promise.allSettled(tasks)
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected')
    for (const failure of failures) expect(failure.reason).toBeInstanceOf(WorkerCrashedError)
    expect(failures.length).toBeLessThanOrEqual(1)
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') expect(outcome.value).toBe(i)
    })
    expect(killed).toBe(true)
    const stats = pool.stats()
    expect(stats).toMatchObject({
      crashed: 1,
      queued: 0,
      busy: 0,
      completed: 10_000 - failures.length,
      failed: failures.length,
    })
    expect(threads).toHaveLength(4)
  })

  it('fails the in-flight call of a worker that exits by itself and keeps serving', async () => {
    const pool = new WorkerPool({ url: 'test-worker', size: 1, createWorker: () => startNodeWorker(code) })
    pools.push(pool)
    const error = await pool.run('die').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WorkerCrashedError)
    expect((error as Error).message).toBe('worker test-worker exited with code 3')
    await expect(pool.run('add', [1, 2])).resolves.toBe(3)
  })
})

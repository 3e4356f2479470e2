import { MessageChannel } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createMonitor, type SdkEvent, type Transport, type WireBatch } from '@marco/core'
import { createFakeSink, startTestCollector } from '@marco/testing'
import { startNodeWorker, testWorkerCode } from './nodeWorker.fixture'
import { createWorkerSink, type WorkerSinkOptions } from './createWorkerSink'
import { startAnalyticsWorker } from './startAnalyticsWorker'
import type { Endpoint } from './types'

let serial = 0
function event(tag = 'stroke'): SdkEvent {
  return {
    id: `event-${String(++serial).padStart(8, '0')}`,
    type: 'track',
    category: 'analytics',
    ts: 1_764_417_600_000,
    sessionId: 's-1',
    payload: { name: tag },
  }
}

/** What the worker's EventQueue delivered, as a collector would store it. */
function createTransport() {
  const ids: string[] = []
  const transport: Transport = {
    send: async (batch: WireBatch) => {
      ids.push(...batch.events.map((sent) => sent.id))
      return { result: 'sent' }
    },
  }
  return { ids, transport }
}

/** The analytics worker in-process, on the far side of a MessageChannel; records what the page posts. */
function startWorker(transport: Transport) {
  const { port1, port2 } = new MessageChannel()
  startAnalyticsWorker(port2 as unknown as Endpoint, { transport, storage: false, flushIntervalMs: 60_000 })
  const posted: { message: { m?: string }; transfer: unknown[] }[] = []
  const worker = {
    terminated: false,
    postMessage(message: { m?: string }, transfer: Transferable[] = []) {
      posted.push({ message, transfer })
      port1.postMessage(message, transfer as never)
    },
    addEventListener: (type: string, listener: (event: never) => void) =>
      type === 'message' && port1.addEventListener('message', listener as never),
    removeEventListener: (type: string, listener: (event: never) => void) =>
      type === 'message' && port1.removeEventListener('message', listener as never),
    start: () => port1.start(),
    terminate() {
      worker.terminated = true
      port1.close()
      port2.close()
    },
  }
  return { worker, posted }
}

/** A worker that never answers and can report an error, as one whose script fails to load. */
function silentWorker() {
  const events = new EventTarget()
  return {
    terminated: false,
    postMessage: () => {},
    addEventListener: (type: string, listener: (event: never) => void) =>
      events.addEventListener(type, listener as never),
    removeEventListener: (type: string, listener: (event: never) => void) =>
      events.removeEventListener(type, listener as never),
    terminate() {
      this.terminated = true
    },
    fail: () => events.dispatchEvent(new Event('error')),
  }
}

const sinks: { stop(): Promise<void> }[] = []
function createSink(options: Partial<WorkerSinkOptions> & Pick<WorkerSinkOptions, 'createWorker'>) {
  const fallback = createFakeSink()
  const errors: unknown[] = []
  const sink = createWorkerSink({
    url: '/analytics-worker.js',
    queue: { endpoint: '/v1/batch' },
    fallback,
    monitor: createMonitor({ onError: (error) => errors.push(error) }),
    ...options,
  })
  sinks.push(sink)
  return { sink, fallback, errors }
}

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(sinks.splice(0).map((sink) => sink.stop()))
})

describe('createWorkerSink', () => {
  it('starts nothing until the first event', () => {
    const createWorker = vi.fn()
    createSink({ createWorker })
    expect(createWorker).not.toHaveBeenCalled()
  })

  it('posts events in batches of transferred JSON buffers to the worker, whose queue delivers them all', async () => {
    const { ids, transport } = createTransport()
    const { worker, posted } = startWorker(transport)
    const { sink, fallback } = createSink({ createWorker: () => worker, maxBatchEvents: 100 })
    const pushed = Array.from({ length: 250 }, () => event())
    for (const each of pushed) sink.push(each)
    // Two full batches went at once; the last 50 wait for the interval or a flush.
    const pushes = () => posted.filter(({ message }) => message.m === 'push')
    expect(pushes()).toHaveLength(2)
    for (const { transfer } of pushes()) {
      expect(transfer).toHaveLength(1)
      expect(transfer[0]).toBeInstanceOf(ArrayBuffer)
      expect((transfer[0] as ArrayBuffer).byteLength).toBe(0) // moved to the worker, not copied
    }
    await expect(sink.flush()).resolves.toMatchObject({ pending: 0 })
    expect(pushes()).toHaveLength(3)
    expect(ids).toEqual(pushed.map((each) => each.id))
    expect(sink.stats()).toEqual({ mode: 'worker', pushed: 250, batches: 3, acknowledged: 250, fellBack: 0 })
    expect(fallback.events).toHaveLength(0)
  })

  it('posts a partial batch after flushIntervalMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { transport } = createTransport()
    const { worker, posted } = startWorker(transport)
    const { sink } = createSink({ createWorker: () => worker, flushIntervalMs: 500 })
    sink.push(event())
    sink.push(event())
    vi.advanceTimersByTime(499)
    expect(posted.filter(({ message }) => message.m === 'push')).toHaveLength(0)
    vi.advanceTimersByTime(1)
    expect(posted.filter(({ message }) => message.m === 'push')).toHaveLength(1)
  })

  it('sends everything to the fallback when the worker cannot be created', () => {
    const { sink, fallback } = createSink({
      createWorker: () => {
        throw new DOMException("Refused to create a worker: violates worker-src 'self'", 'SecurityError')
      },
    })
    const pushed = [event(), event(), event()]
    for (const each of pushed) sink.push(each)
    expect(fallback.events).toEqual(pushed)
    expect(sink.stats()).toMatchObject({ mode: 'fallback', pushed: 3, batches: 0, fellBack: 0 })
  })

  it('hands buffered and unacknowledged events, and all later ones, to the fallback when the worker errors before acknowledging', () => {
    const worker = silentWorker()
    const { sink, fallback } = createSink({ createWorker: () => worker, maxBatchEvents: 10 })
    const pushed = Array.from({ length: 25 }, () => event())
    for (const each of pushed) sink.push(each)
    expect(fallback.events).toHaveLength(0)
    worker.fail()
    const later = event()
    sink.push(later)
    expect(fallback.events).toEqual([...pushed, later])
    expect(worker.terminated).toBe(true)
    expect(sink.stats()).toMatchObject({ mode: 'fallback', pushed: 26, batches: 2, acknowledged: 0, fellBack: 25 })
  })

  it('falls back when the worker does not acknowledge its start within ackTimeoutMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const worker = silentWorker()
    let created = 0
    const { sink, fallback } = createSink({
      createWorker: () => worker,
      fallback: () => (created++, fallbackSink),
      ackTimeoutMs: 3_000,
    })
    const fallbackSink = createFakeSink()
    const first = event()
    sink.push(first)
    vi.advanceTimersByTime(2_999)
    expect(created).toBe(0)
    vi.advanceTimersByTime(1)
    await Promise.resolve()
    expect(created).toBe(1)
    expect(fallbackSink.events).toEqual([first])
    expect(fallback.events).toHaveLength(0)
  })

  it('purges a category in the worker’s queue, buffered events included', async () => {
    const { ids, transport } = createTransport()
    const { worker } = startWorker(transport)
    const { sink } = createSink({ createWorker: () => worker })
    sink.push(event())
    sink.push({ ...event(), category: 'crash' })
    sink.purge('analytics')
    await sink.flush()
    expect(ids).toHaveLength(1)
  })

  it('never throws into the page: a throwing fallback is reported', () => {
    const { sink, errors } = createSink({
      createWorker: () => {
        throw new Error('no workers')
      },
      fallback: {
        push: () => {
          throw new Error('fallback broken')
        },
      },
    })
    expect(() => sink.push(event())).not.toThrow()
    expect(errors.map((error) => (error as Error).message)).toEqual(['no workers', 'fallback broken'])
  })
})

describe('createWorkerSink over worker_threads', () => {
  it('delivers every event to a real HTTP collector from the worker thread’s EventQueue, and stops without falling back', async () => {
    const collector = await startTestCollector()
    try {
      const code = await testWorkerCode('./analyticsWorker.fixture.ts')
      let fallbackCreated = false
      const sink = createWorkerSink({
        url: 'analytics-worker',
        queue: { endpoint: collector.endpoint, flushIntervalMs: 60_000 },
        fallback: () => ((fallbackCreated = true), createFakeSink()),
        createWorker: () => startNodeWorker(code),
      })
      sinks.push(sink)
      const pushed = Array.from({ length: 450 }, () => event())
      for (const each of pushed) sink.push(each)
      await expect(sink.flush()).resolves.toMatchObject({ pending: 0 })
      expect([...collector.storedIds].sort()).toEqual(pushed.map((each) => each.id).sort())
      await sink.stop()
      expect(sink.stats()).toMatchObject({ mode: 'worker', pushed: 450, acknowledged: 450, fellBack: 0 })
      expect(fallbackCreated).toBe(false)
    } finally {
      await collector.close()
    }
  })

  it("sends the page's batch context (release, environment) from the worker, and events without it when it cannot be posted", async () => {
    const collector = await startTestCollector()
    try {
      const code = await testWorkerCode('./analyticsWorker.fixture.ts')
      const errors: unknown[] = []
      let release: unknown = '2.0.3'
      const sink = createWorkerSink({
        url: 'analytics-worker',
        queue: { endpoint: collector.endpoint, flushIntervalMs: 60_000 },
        context: () => ({ release, environment: 'test' }),
        fallback: () => createFakeSink(),
        createWorker: () => startNodeWorker(code),
        monitor: createMonitor({ onError: (error) => errors.push(error) }),
      })
      sinks.push(sink)
      const first = Array.from({ length: 3 }, () => event())
      for (const each of first) sink.push(each)
      await sink.flush()
      // A context JSON cannot take (a cycle): the events still go, the worker keeps the last good context.
      const cycle: Record<string, unknown> = {}
      cycle.self = cycle
      release = cycle
      const second = Array.from({ length: 2 }, () => event())
      for (const each of second) sink.push(each)
      await sink.flush()
      const stored = collector.requests.filter((request) => request.status === 200)
      expect(stored.map((request) => (request.body as WireBatch).context)).toEqual([
        { release: '2.0.3', environment: 'test' },
        { release: '2.0.3', environment: 'test' },
      ])
      expect([...collector.storedIds].sort()).toEqual([...first, ...second].map((each) => each.id).sort())
      expect(errors).toHaveLength(1)
      expect(sink.stats()).toMatchObject({ mode: 'worker', acknowledged: 5, fellBack: 0 })
    } finally {
      await collector.close()
    }
  })
})

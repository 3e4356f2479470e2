import { MessageChannel } from 'node:worker_threads'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { expose } from './expose'
import { transfer } from './transfer'
import type { Endpoint } from './types'
import { wrap } from './wrap'

const api = {
  add: (a: number, b: number) => a + b,
  greet: async (name: string) => `hello ${name}`,
  sum(buffer: ArrayBuffer) {
    return new Uint8Array(buffer).reduce((total, byte) => total + byte, 0)
  },
  fill(length: number) {
    const bytes = new Uint8Array(length).fill(7)
    return transfer(bytes, [bytes.buffer])
  },
  fail(message: string): never {
    throw new RangeError(message)
  },
  rejectWithString: async () => Promise.reject('plain string'),
  returnFunction: () => () => 1,
  wait(_ms: number, signal?: AbortSignal) {
    return new Promise<string>((resolve) => {
      signal!.addEventListener('abort', () => {
        cancelled.push(signal!.reason as DOMException)
        resolve('cancelled')
      })
    })
  },
  optional: (a: number, b?: number, signal?: AbortSignal) => ({
    a,
    b: b ?? null,
    hasSignal: signal instanceof AbortSignal,
  }),
}
let cancelled: DOMException[] = []
const channels: MessageChannel[] = []

function connect() {
  const channel = new MessageChannel()
  channels.push(channel)
  expose(api, channel.port2 as unknown as Endpoint)
  return wrap<typeof api>(channel.port1 as unknown as Endpoint)
}

afterEach(() => {
  for (const { port1, port2 } of channels.splice(0)) {
    port1.close()
    port2.close()
  }
  cancelled = []
  vi.useRealTimers()
})

describe('expose / wrap over a MessageChannel', () => {
  it('turns every method into a typed async call', async () => {
    const remote = connect()
    await expect(remote.add(2, 3)).resolves.toBe(5)
    await expect(remote.greet('Marco')).resolves.toBe('hello Marco')
    const [x, y] = await Promise.all([remote.add(1, 1), remote.add(40, 2)])
    expect([x, y]).toEqual([2, 42])
  })

  it('passes the signal after the declared parameters even when the caller leaves optional ones out', async () => {
    const remote = connect()
    await expect(remote.optional(1)).resolves.toEqual({ a: 1, b: null, hasSignal: true })
    await expect(remote.optional(1, 2)).resolves.toEqual({ a: 1, b: 2, hasSignal: true })
  })

  it('moves a transferred argument: the sender’s buffer is detached and the worker sees the bytes', async () => {
    const remote = connect()
    const bytes = new Uint8Array(1024).fill(1)
    const total = await remote.sum(transfer(bytes.buffer, [bytes.buffer]))
    expect(total).toBe(1024)
    expect(bytes.byteLength).toBe(0)
    expect(bytes.buffer.byteLength).toBe(0)
  })

  it('moves buffers named in the transfer option, and a result returned with transfer()', async () => {
    const remote = connect()
    const buffer = new Uint8Array([1, 2, 3]).buffer
    await expect(remote.sum.with({ transfer: [buffer] })(buffer)).resolves.toBe(6)
    expect(buffer.byteLength).toBe(0)
    const filled = await remote.fill(16)
    expect([...filled]).toEqual(new Array(16).fill(7))
  })

  it('copies an argument that is not marked for transfer', async () => {
    const remote = connect()
    const buffer = new Uint8Array([5, 5]).buffer
    await expect(remote.sum(buffer)).resolves.toBe(10)
    expect(buffer.byteLength).toBe(2)
  })

  it('rejects with the worker’s error name, message and stack', async () => {
    const remote = connect()
    const error = await remote.fail('out of range').catch((caught: unknown) => caught as Error)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('RangeError')
    expect(error.message).toBe('out of range')
    expect(error.stack).toContain('out of range')
    expect(error.stack).toContain('rpc.test.ts')
  })

  it('rejects with an Error for a thrown non-Error, an unknown method and an uncloneable result', async () => {
    const remote = connect()
    await expect(remote.rejectWithString()).rejects.toMatchObject({ name: 'Error', message: 'plain string' })
    const untyped = remote as unknown as Record<string, () => Promise<unknown>>
    await expect(untyped.missing!()).rejects.toMatchObject({
      name: 'TypeError',
      message: 'missing is not an exposed method',
    })
    await expect(untyped.constructor!()).rejects.toMatchObject({ name: 'TypeError' })
    await expect(untyped.toString!()).rejects.toMatchObject({ name: 'TypeError' })
    await expect(remote.returnFunction()).rejects.toMatchObject({ name: 'DataCloneError' })
  })

  it('rejects an argument that cannot be cloned without sending anything', async () => {
    const remote = connect()
    await expect((remote.add as unknown as (f: () => void) => Promise<number>)(() => {})).rejects.toMatchObject({
      name: 'DataCloneError',
    })
    await expect(remote.add(1, 1)).resolves.toBe(2)
  })

  it('cancels a call when its signal aborts, and the worker’s handler sees the abort', async () => {
    const remote = connect()
    const controller = new AbortController()
    const call = remote.wait.with({ signal: controller.signal })(60_000)
    controller.abort(new DOMException('user left', 'AbortError'))
    await expect(call).rejects.toMatchObject({ name: 'AbortError', message: 'user left' })
    await vi.waitFor(() => expect(cancelled).toHaveLength(1))
    expect(cancelled[0]!.name).toBe('AbortError')
    await expect(remote.wait.with({ signal: AbortSignal.abort() })(1)).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('times a call out with a TimeoutError and tells the worker', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const remote = connect()
    const call = remote.wait.with({ timeoutMs: 5_000 })(60_000)
    const outcome = call.catch((error: unknown) => error)
    vi.advanceTimersByTime(4_999)
    await expect(remote.add(1, 2)).resolves.toBe(3)
    vi.advanceTimersByTime(1)
    expect(await outcome).toMatchObject({ name: 'TimeoutError', message: 'wait() timed out after 5000 ms' })
    await vi.waitFor(() => expect(cancelled).toHaveLength(1))
  })

  it('applies wrap’s default time-out to every call that sets none', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const channel = new MessageChannel()
    channels.push(channel)
    expose(api, channel.port2 as unknown as Endpoint)
    const remote = wrap<typeof api>(channel.port1 as unknown as Endpoint, { timeoutMs: 100 })
    const outcome = remote.wait(1).catch((error: unknown) => error)
    vi.advanceTimersByTime(100)
    expect(await outcome).toMatchObject({ name: 'TimeoutError' })
  })

  it('keeps the answers of two callers on one endpoint apart', async () => {
    const channel = new MessageChannel()
    channels.push(channel)
    expose(api, channel.port2 as unknown as Endpoint)
    const first = wrap<typeof api>(channel.port1 as unknown as Endpoint)
    const second = wrap<typeof api>(channel.port1 as unknown as Endpoint)
    await expect(
      Promise.all([first.add(1, 1), second.add(2, 2), first.greet('a'), second.greet('b')]),
    ).resolves.toEqual([2, 4, 'hello a', 'hello b'])
  })

  it('is not thenable, so awaiting the remote sends nothing', async () => {
    const remote = connect()
    expect(await remote).toBe(remote)
  })
})

describe('expose origin checks', () => {
  /** An endpoint whose messages carry an origin, as window.postMessage's do. */
  function windowLike() {
    const target = new EventTarget() as EventTarget & Endpoint
    const replies: unknown[] = []
    target.postMessage = (message: unknown) => void replies.push(message)
    const deliver = (origin: string, method: string) =>
      target.dispatchEvent(
        new MessageEvent('message', { origin, data: { marco: 'call', i: 1, m: method, a: [1, 2], s: Date.now() } }),
      )
    return { target, replies, deliver }
  }

  it('rejects every origin by default: the method does not run and nothing is answered', async () => {
    const spy = vi.fn(() => 3)
    const { target, replies, deliver } = windowLike()
    expose({ add: spy }, target)
    deliver('https://evil.example', 'add')
    deliver('https://app.example', 'add')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(spy).not.toHaveBeenCalled()
    expect(replies).toEqual([])
  })

  it('answers only the origins allowed, by string or pattern', async () => {
    const spy = vi.fn((a: number, b: number) => a + b)
    const { target, replies, deliver } = windowLike()
    expose({ add: spy }, target, { allowedOrigins: ['https://app.example', /^https:\/\/[a-z]+\.marco\.example$/] })
    deliver('https://evil.example', 'add')
    deliver('https://app.example', 'add')
    deliver('https://eu.marco.example', 'add')
    deliver('https://eu.marco.example.evil.example', 'add')
    await vi.waitFor(() => expect(replies).toHaveLength(2))
    expect(spy).toHaveBeenCalledTimes(2)
    expect(replies).toMatchObject([
      { marco: 'result', v: 3 },
      { marco: 'result', v: 3 },
    ])
  })

  it('does not accept "*" by accident: an empty list allows no origin', async () => {
    const spy = vi.fn()
    const { target, deliver } = windowLike()
    expose({ add: spy }, target, { allowedOrigins: [] })
    deliver('*', 'add')
    deliver('null', 'add')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(spy).not.toHaveBeenCalled()
  })
})

import { describe, expect, it } from 'vitest'
import { onShutdownSignals, type SignalTarget } from './onShutdownSignals'

function fakeProcess() {
  const listeners = new Map<string, (() => void)[]>()
  const exits: number[] = []
  const target: SignalTarget = {
    on(signal, listener) {
      listeners.set(signal, [...(listeners.get(signal) ?? []), listener])
    },
    exit(code = 0) {
      exits.push(code)
    },
  }
  const emit = (signal: string) => {
    for (const listener of listeners.get(signal) ?? []) listener()
  }
  return { target, emit, exits }
}

describe('onShutdownSignals', () => {
  it('closes on SIGTERM and exits 0 once closed; a second signal exits 1 at once', async () => {
    const { target, emit, exits } = fakeProcess()
    let finish!: () => void
    let closes = 0
    onShutdownSignals(() => (closes++, new Promise<void>((resolve) => (finish = resolve))), target)
    emit('SIGTERM')
    expect(closes).toBe(1)
    expect(exits).toEqual([])
    emit('SIGINT')
    expect(exits).toEqual([1])
    finish()
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(exits).toEqual([1, 0])
    expect(closes).toBe(1)
  })
})

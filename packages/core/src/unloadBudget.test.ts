import { describe, expect, it } from 'vitest'
import { createUnloadBudget, KEEPALIVE_LIMIT_BYTES } from './unloadBudget'

describe('createUnloadBudget', () => {
  it('shrinks while bodies are in flight and grows back as each settles', () => {
    const budget = createUnloadBudget()
    expect(budget.left()).toBe(KEEPALIVE_LIMIT_BYTES)
    const first = budget.spend(40_000)
    const second = budget.spend(20_000)
    expect(budget.left()).toBe(KEEPALIVE_LIMIT_BYTES - 60_000)
    first()
    expect(budget.left()).toBe(KEEPALIVE_LIMIT_BYTES - 20_000)
    second()
    expect(budget.left()).toBe(KEEPALIVE_LIMIT_BYTES)
  })
})

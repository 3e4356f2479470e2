import { describe, expect, it } from 'vitest'

describe('@marco/experiments', () => {
  it('imports in plain Node with no window and answers from code definitions', async () => {
    const module = await import('./index')
    const experiments = new module.Experiments({
      experiments: [module.defineExperiment({ key: 'k', variants: ['a', 'b'] })],
      id: () => 'id',
    })
    expect(['a', 'b']).toContain(experiments.variant('k'))
    expect(experiments.batchContext()).toBeUndefined()
  })
})

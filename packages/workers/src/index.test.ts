// @vitest-environment node
import { describe, expect, it } from 'vitest'

describe('@marco/workers', () => {
  it('imports in plain Node, with no window, and runs nothing on import', async () => {
    const module = await import('./index')
    expect(Object.keys(module).sort()).toEqual(
      [
        'QueueFullError',
        'WorkerCrashedError',
        'WorkerPool',
        'createSharedState',
        'createWorkerSink',
        'expose',
        'startAnalyticsWorker',
        'transfer',
        'wrap',
      ].sort(),
    )
    const pool = new module.WorkerPool({ url: '/worker.js', size: 1 })
    expect(pool.stats()).toMatchObject({ workers: 0, queued: 0, taskMs: { count: 0, p95: 0 } })
  })
})

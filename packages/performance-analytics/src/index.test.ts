// @vitest-environment node
import { describe, expect, it } from 'vitest'

describe('@marco/performance-analytics in plain Node', () => {
  it('imports and runs every call with no window, document or browser API, throwing nothing', async () => {
    const { PerformanceAnalytics } = await import('./index')
    const perf = new PerformanceAnalytics({ budgets: { INP: 100 } })
    const stop = perf.monitorRealTimeMetrics()
    perf.recordLatency(12)
    perf.recordOperation()
    perf.recordSyncLag(3)
    perf.recordWasmLoad({ bytes: 10, cacheHit: false })
    perf.onUserExperience(() => {})()
    perf.onBudgetBreach(() => {})()
    expect(perf.analyzeCollaborationPerformance()).toMatchObject({ peersConnected: 0, latency: { count: 1 } })
    stop()
    await perf.flush()
    await perf.stop()
  })
})

import { EventQueue, createId } from '@marco/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { getJson, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

describe('collector with the real EventQueue', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector

  beforeEach(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db })
  })
  afterEach(async () => {
    await collector.close()
    tmp.cleanup()
  })

  it("stores what @marco/core's EventQueue sends, drop counts included", async () => {
    const queue = new EventQueue({
      endpoint: `${collector.url}/v1/batch`,
      storage: false,
      sdk: { name: '@marco/core', version: '0.1.0' },
      context: () => ({ locale: 'en-GB' }),
    })
    const sent = Array.from({ length: 150 }, (_, i) => ({
      id: createId(),
      type: i % 3 ? 'track' : 'web_vital',
      category: (i % 3 ? 'analytics' : 'performance') as 'analytics' | 'performance',
      ts: Date.now(),
      sessionId: 'sess-eventqueue',
      payload: i % 3 ? { name: 'stroke', index: i } : { name: 'LCP', value: 1000 + i, rating: 'good' },
    }))
    for (const item of sent) queue.push(item)
    // An event without an id: the queue drops it, counts it and reports the count in its next batch.
    queue.push({ ...sent[1]!, id: '' })
    const result = await queue.flush()
    expect(result).toEqual({ sent: 150, dropped: 1, pending: 0 })
    await queue.stop()

    const { events } = await getJson(`${collector.url}/v1/events?limit=1000`)
    expect(events).toHaveLength(150)
    expect(new Set(events.map((e: { id: string }) => e.id))).toEqual(new Set(sent.map((e) => e.id)))
    expect(events.find((e: { id: string }) => e.id === sent[1]!.id)).toMatchObject({
      type: 'track',
      sdk: '@marco/core 0.1.0',
      payload: { name: 'stroke', index: 1 },
    })
    const stats = await getJson(`${collector.url}/v1/stats`)
    expect(stats.drops).toEqual([{ category: 'analytics', reason: 'invalid', status: null, count: 1 }])
    expect(stats.webVitals.LCP.count).toBe(50)
  })
})

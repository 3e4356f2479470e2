import { writeFileSync } from 'node:fs'
import { Experiments, assignVariant, defineExperiment } from '@marco/experiments'
import { createFakeContext } from '@marco/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { startCollector } from '../startCollector'
import { batch, event, post, tempDir, type TestEvent } from '../testServer.test-helper'

const smoothing = defineExperiment({ key: 'smoothing', variants: ['off', 'on'], weights: [1, 1] })
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function collector(options: Parameters<typeof startCollector>[0] = {}) {
  const temp = tempDir()
  const started = await startCollector({ port: 0, dbPath: temp.db, rateLimit: false, ...options })
  cleanups.push(temp.cleanup, () => started.close())
  return started
}

function definitionsFile(content: unknown): string {
  const temp = tempDir()
  cleanups.push(temp.cleanup)
  writeFileSync(`${temp.dir}/experiments.json`, JSON.stringify(content))
  return `${temp.dir}/experiments.json`
}

/** Exposures as the SDK makes them: a real `Experiments` per session, its events as they would be sent. */
function sessionEvents(session: number, convert: (variant: string) => boolean): TestEvent[] {
  const context = createFakeContext({ consent: { defaults: { analytics: 'granted' } }, sessionId: `s-${session}` })
  const experiments = new Experiments({ experiments: [smoothing], id: () => `anon-${session}` })
  experiments.setup(context)
  const variant = experiments.variant('smoothing')
  experiments.variant('smoothing')
  const events = context.queue.events.map((e) => ({ ...e, ts: 1_700_000_000_000 + session })) as TestEvent[]
  if (convert(variant)) events.push(event({ sessionId: `s-${session}`, payload: { name: 'stroke_drawn' } }))
  if (variant === 'off' && session % 4 === 0)
    events.push(
      event({ type: 'exception', category: 'crash', sessionId: `s-${session}`, payload: { message: 'boom' } }),
    )
  return events
}

describe('collector experiments', () => {
  it('serves the definitions with an ETag and answers 304 when they did not change', async () => {
    const file = definitionsFile({ experiments: [smoothing] })
    const { url } = await collector({ experiments: { file }, allowedOrigins: ['http://app.test'] })
    const first = await fetch(`${url}/v1/experiments`, { headers: { origin: 'http://app.test' } })
    expect(first.status).toBe(200)
    expect(first.headers.get('access-control-allow-origin')).toBe('http://app.test')
    expect(await first.json()).toEqual({ experiments: [smoothing] })
    const etag = first.headers.get('etag')!
    const again = await fetch(`${url}/v1/experiments`, { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect(
      (await fetch(`${url}/v1/experiments`, { headers: { origin: 'http://evil.test' } })).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull()
  })

  it('refuses to start on a definitions file that is not valid', async () => {
    const file = definitionsFile([{ key: 'x', variants: ['a', 'a'] }])
    await expect(collector({ experiments: { file } })).rejects.toThrow(/not a valid experiment definition/)
  })

  it('reports per variant: exposed sessions once each, conversion rate, metric mean, intervals, SRM and verified assignments', async () => {
    const { url } = await collector({ readToken: 'secret' })
    const sessions = Array.from({ length: 600 }, (_, i) =>
      sessionEvents(i, (variant) => (variant === 'on' ? i % 2 === 0 : i % 5 === 0)),
    )
    for (let i = 0; i < sessions.length; i += 100)
      expect((await post(`${url}/v1/batch`, batch(sessions.slice(i, i + 100).flat()))).status).toBe(200)
    // A tampered exposure (a variant the hash does not give this id) and a replayed batch (stored once).
    const tampered = sessions[0]![0]!
    const flipped = {
      ...tampered,
      id: crypto.randomUUID(),
      sessionId: 'tampered',
      payload: { ...tampered.payload, variant: tampered.payload.variant === 'on' ? 'off' : 'on' },
    }
    await post(`${url}/v1/batch`, batch([flipped]))
    await post(`${url}/v1/batch`, batch(sessions.slice(0, 100).flat()))

    expect((await fetch(`${url}/v1/experiments/results`)).status).toBe(401)
    const response = await fetch(`${url}/v1/experiments/results?metric=errors`, {
      headers: { authorization: 'Bearer secret' },
    })
    const body = (await response.json()) as any
    expect(body.conversion).toBe('stroke_drawn')
    expect(body.trackNames).toEqual(['stroke_drawn'])
    const [result] = body.experiments
    const expectedOn = Array.from({ length: 600 }, (_, i) => assignVariant(smoothing, `anon-${i}`)).filter(
      (v) => v === 'on',
    ).length
    expect(result.key).toBe('smoothing')
    expect(result.definedBy).toBe('exposures')
    const [off, on] = result.variants
    expect(on.sessions).toBe(expectedOn + (flipped.payload.variant === 'on' ? 1 : 0))
    expect(off.sessions + on.sessions).toBe(601)
    expect(on.conversionRate).toBeGreaterThan(off.conversionRate)
    expect(on.vsControl.conversion.significant).toBe(true)
    expect(on.vsControl.conversion.low).toBeGreaterThan(0)
    expect(off.metric.mean).toBeGreaterThan(0.2)
    expect(on.metric.mean).toBe(0)
    expect(result.assignment).toEqual({ checked: 601, mismatched: 1 })
    expect(result.mixedSessions).toBe(0)
    expect(result.sampleRatio.mismatch).toBe(false)
  })

  it('answers 400 naming a malformed metric', async () => {
    const { url } = await collector()
    const response = await fetch(`${url}/v1/experiments/results?metric=field:track:name;DROP`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toMatch(/is not one of/)
  })
})

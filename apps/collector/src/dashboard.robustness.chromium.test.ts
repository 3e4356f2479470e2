// What hostile volume, a refused stream and an experiment the statistics cannot score cannot do to the dashboard:
// each case was a defect, and each test fails without its fix.
import { launchChromium, type LaunchedChromium } from '@marco/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, post, tempDir } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

let chromium: LaunchedChromium
beforeAll(async () => {
  chromium = await launchChromium()
})
afterAll(async () => {
  await chromium?.close()
})

/** A collector of the describe block's own (a temporary database, no rate limit), started and stopped with it. */
function useCollector(options: Partial<CollectorOptions> = {}): () => Collector {
  let tmp: ReturnType<typeof tempDir> | undefined
  let collector: Collector | undefined
  beforeAll(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db, rateLimit: false, log: () => {}, ...options })
  })
  afterAll(async () => {
    await collector?.close()
    tmp?.cleanup()
  })
  return () => collector!
}

describe('dashboard with hostile volume (Chromium)', () => {
  const collector = useCollector()

  it('the "Events by type" table stays bounded when a client sends 20,000 distinct event types', async () => {
    // Any page may POST: 20 batches of 1,000 events, each with its own (schema-valid) type name.
    for (let b = 0; b < 20; b++) {
      const events = Array.from({ length: 1000 }, (_, i) =>
        event({ type: `junk-${b}-${i}-${'x'.repeat(150)}`, payload: {} }),
      )
      const response = await post(`${collector().url}/v1/batch`, batch(events))
      expect(response.status).toBe(200)
    }
    const page = await chromium.browser.newPage()
    await page.goto(`${collector().url}/dashboard`)
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 30_000 }).toBe('20,000')
    const rows = await page.locator('#types tr').count()
    // Every other list on the page is capped (10 top errors, 8 alerts, 100 releases); this one holds one
    // row per distinct type a client ever sent, rebuilt on every update and every 5 s.
    // The 50 most frequent types and one row for the rest, after the header row.
    expect(rows).toBeLessThanOrEqual(52)
    await page.close()
  })
})

describe('dashboard live stream after a refused connection (Chromium)', () => {
  const collector = useCollector({ maxStreams: 1 })

  it('the dashboard goes live again once a 503 too_many_streams is over', async () => {
    // Another viewer holds the only stream.
    const holder = new AbortController()
    const held = await fetch(`${collector().url}/v1/stream`, { signal: holder.signal })
    expect(held.status).toBe(200)
    const page = await chromium.browser.newPage()
    await page.goto(`${collector().url}/dashboard`)
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('reconnecting…')
    // The other viewer leaves: the slot is free (the 503 said retry-after: 10).
    holder.abort()
    // Proof the slot is free: a second dashboard opened now goes live at once; it leaves again.
    const probe = await chromium.browser.newPage()
    await probe.goto(`${collector().url}/dashboard`)
    await expect.poll(() => probe.locator('#live').textContent(), { timeout: 15_000 }).toBe('live')
    await probe.close()
    // The page says "reconnecting…": it should be live again.
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 30_000 }).toBe('live')
    await page.close()
  })
})

describe('dashboard with an experiment exposure on a zero-weight variant (Chromium)', () => {
  const collector = useCollector()

  it('one exposure to a variant of weight 0 does not blank the Experiments and Release health panels', async () => {
    // What the SRM check exists to catch (a variant that should get no traffic gets some); any client can send it.
    const exposure = (variant: string, session: string) =>
      event({
        type: 'experiment_exposure',
        sessionId: session,
        payload: {
          experiment: 'zero-weight',
          variant,
          unitId: `u-${session}`,
          variants: ['a', 'b', 'c'],
          weights: [1, 1, 0],
        },
      })
    const response = await post(
      `${collector().url}/v1/batch`,
      batch([exposure('a', 's1'), exposure('b', 's2'), exposure('c', 's3'), exposure('a', 's4')], {
        context: { release: 'rel-1.0.0' },
      }),
    )
    expect(response.status).toBe(200)
    // The read API has both: the release, and an SRM check whose chi-square is Infinity, sent as JSON `null`.
    const results = await (await fetch(`${collector().url}/v1/experiments/results`)).json()
    expect(results.experiments[0].sampleRatio).toMatchObject({ chiSquare: null, mismatch: true })
    const releases = await (await fetch(`${collector().url}/v1/releases`)).json()
    expect(releases.releases.map((r: { release: string }) => r.release)).toContain('rel-1.0.0')
    const page = await chromium.browser.newPage()
    await page.goto(`${collector().url}/dashboard`)
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 15_000 }).toBe('4')
    // Give the other two fetches of the same refresh time to land.
    await expect
      .poll(
        async () => ({
          experiments: await page.locator('#experiments').textContent(),
          releases: await page.locator('#releases').textContent(),
        }),
        { timeout: 15_000 },
      )
      .toMatchObject({
        experiments: expect.stringContaining('sample ratio mismatch'),
        releases: expect.stringContaining('rel-1.0.0'),
      })
    await page.close()
  })
})

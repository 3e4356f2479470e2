import { launchChromium, type LaunchedChromium } from '@marco/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, post, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

const TOKEN = 'dashboard-token-0123456789abcdef'

describe('collector dashboard behind a read token (Chromium)', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector
  let chromium: LaunchedChromium

  beforeAll(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db, readToken: TOKEN, rateLimit: false })
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await collector?.close()
    tmp?.cleanup()
  })

  it('opened with ?token= draws the stats and goes live; new events arrive over the stream', async () => {
    await post(`${collector.url}/v1/batch`, batch([event(), event()]))
    const page = await chromium.browser.newPage()
    await page.goto(`${collector.url}/dashboard?token=${TOKEN}`)
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 15_000 }).toBe('2')
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('live')
    await post(`${collector.url}/v1/batch`, batch([event(), event(), event()]))
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 15_000 }).toBe('5')
    await page.close()
  })

  it('without the token gets a 401 and no data', async () => {
    const page = await chromium.browser.newPage()
    const response = await page.goto(`${collector.url}/dashboard`)
    expect(response!.status()).toBe(401)
    expect(await page.locator('body').textContent()).not.toContain('"total"')
    await page.close()
  })
})

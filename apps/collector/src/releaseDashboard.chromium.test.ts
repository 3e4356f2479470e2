import { launchChromium, type LaunchedChromium } from '@marco/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { batch, event, post, tempDir } from './testServer.test-helper'
import type { Collector } from './types'

const UPLOAD_TOKEN = 'upload-token-0123456789'
// Generated line 1, column 0 → src/draw.ts line 3, column 3 (a hand-written map: "AAEE" is 0, 0, +2, +2).
const MAP = JSON.stringify({ version: 3, sources: ['../src/draw.ts'], names: [], mappings: 'AAEE' })

describe('collector dashboard: symbolicated top errors and release health (Chromium)', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector
  let chromium: LaunchedChromium

  beforeAll(async () => {
    tmp = tempDir()
    collector = await startCollector({ port: 0, dbPath: tmp.db, uploadToken: UPLOAD_TOKEN, rateLimit: false })
    chromium = await launchChromium()
  })
  afterAll(async () => {
    await chromium?.close()
    await collector?.close()
    tmp?.cleanup()
  })

  it("shows the original src file and line first, the minified position after, and each release's crash-free share", async () => {
    const upload = await fetch(`${collector.url}/v1/sourcemaps?release=5.0.0&file=main-AB12.js`, {
      method: 'POST',
      headers: { authorization: `Bearer ${UPLOAD_TOKEN}` },
      body: MAP,
    })
    expect(upload.status).toBe(201)
    const frame = { function: 'a', file: 'http://127.0.0.1:8080/assets/main-AB12.js', line: 1, column: 1, inApp: true }
    const crash = event({
      type: 'exception',
      category: 'crash',
      sessionId: 's-crash',
      payload: {
        exceptions: [{ type: 'Error', message: 'stroke too long', frames: [frame] }],
        fingerprint: 'fp-1',
        count: 1,
      },
    })
    await post(
      `${collector.url}/v1/batch`,
      batch([crash, event({ sessionId: 's-ok' })], { context: { release: '5.0.0' } }),
    )

    const page = await chromium.browser.newPage()
    await page.goto(`${collector.url}/dashboard`)
    await expect
      .poll(() => page.locator('#top-errors .frames li').first().textContent(), { timeout: 15_000 })
      .toBe('at a src/draw.ts:3:3 (a http://127.0.0.1:8080/assets/main-AB12.js:1:1)')
    await expect
      .poll(() => page.locator('#releases tr').nth(1).locator('td').allTextContents(), { timeout: 15_000 })
      .toEqual(['5.0.0', '2', '50.0 %', '1000.00', '1'])
    await page.close()
  })
})

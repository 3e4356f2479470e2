import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { bundleForBrowser, launchChromium, startTestCollector, testPage, type LaunchedChromium, type TestCollector } from '@marco/testing'
import type { EventQueue } from './EventQueue'

declare global {
  interface Window {
    marco: { queue: EventQueue; push(count: number, tag: string): string[] }
  }
}

let chromium: LaunchedChromium
let script: string
let collector: TestCollector

beforeAll(async () => {
  ;[chromium, script] = await Promise.all([launchChromium(), bundleForBrowser(fileURLToPath(new URL('./EventQueue.chromium.page.ts', import.meta.url)))])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  collector = await startTestCollector()
  collector.routes.set('/', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(testPage('/app.js')))
  collector.routes.set('/app.js', (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script))
  collector.routes.set('/elsewhere', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><p>gone'))
})
afterEach(() => collector.close())

describe('EventQueue in Chromium', () => {
  it('delivers events pushed just before the page navigates away', async () => {
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(collector.origin)
      await page.waitForFunction(() => !!window.marco)
      // Push and leave in the same task: only the pagehide flush can deliver them.
      const ids = await page.evaluate(() => {
        const pushed = window.marco.push(50, 'leaving')
        location.href = '/elsewhere'
        return pushed
      })
      await page.waitForURL('**/elsewhere')
      await vi.waitFor(() => expect([...collector.storedIds].sort()).toEqual([...ids].sort()), { timeout: 10_000 })
      expect(collector.requests.every((request) => request.status === 200)).toBe(true)
    } finally {
      await context.close()
    }
  })

  it('delivers after the server comes back what a page accepted before it was reloaded while the server was down', async () => {
    collector.reply = () => 'network-error'
    const context = await chromium.browser.newContext()
    try {
      const page = await context.newPage()
      await page.goto(`${collector.origin}/?leaseMs=1500`)
      await page.waitForFunction(() => !!window.marco)
      const ids = await page.evaluate(() => window.marco.push(20, 'before-reload'))
      // Wait until they are in IndexedDB and one delivery attempt failed.
      await page.waitForFunction(() => window.marco.queue.stats().storage === 'indexeddb')
      await page.evaluate(() => window.marco.queue.flush())
      expect(collector.storedIds).toEqual([])
      await page.reload()
      await page.waitForFunction(() => !!window.marco)
      expect(collector.storedIds).toEqual([])
      collector.reply = () => ({ status: 200 })
      await vi.waitFor(() => expect([...collector.storedIds].sort()).toEqual([...ids].sort()), { timeout: 15_000, interval: 200 })
      // Nothing arrives twice, even after a little longer.
      await page.evaluate(() => window.marco.queue.flush())
      expect(collector.storedIds).toHaveLength(20)
    } finally {
      await context.close()
    }
  })
})

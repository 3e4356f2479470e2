import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  bundleForBrowser,
  launchChromium,
  startTestCollector,
  testPage,
  watchBackForwardCache,
  type LaunchedChromium,
  type TestCollector,
} from '@marco/testing'
import type { BrowserContext, Page } from 'playwright-core'
import { encodeBase64Url } from './encodeBase64Url'

let chromium: LaunchedChromium
let script: string
let server: TestCollector
let context: BrowserContext
/** Tokens `/auth/refresh` handed out, in order; it answers 401 once `/auth/logout` revoked the session. */
let issued: string[]
let revoked: boolean

const segment = (value: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))

beforeAll(async () => {
  ;[chromium, script] = await Promise.all([
    launchChromium({ backForwardCache: true }),
    bundleForBrowser(fileURLToPath(new URL('./SessionManager.chromium.page.ts', import.meta.url))),
  ])
})
afterAll(() => chromium?.close())

beforeEach(async () => {
  issued = []
  revoked = false
  server = await startTestCollector()
  server.routes.set('/', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(testPage('/app.js')))
  server.routes.set('/app.js', (_req, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(script))
  server.routes.set('/auth/refresh', (_req, res) => {
    if (revoked) return void res.writeHead(401).end()
    // Unsigned (the page does not verify): only its expiry and a number telling it from the others are read.
    const token = `${segment({ alg: 'none' })}.${segment({ exp: Math.floor(Date.now() / 1000) + 3600, n: issued.length })}.`
    issued.push(token)
    res.writeHead(200, { 'content-type': 'text/plain' }).end(token)
  })
  server.routes.set('/auth/logout', (_req, res) => {
    revoked = true
    res.writeHead(204).end()
  })
  context = await chromium.browser.newContext()
})
afterEach(async () => {
  await context?.close()
  await server?.close()
})

async function open(page: Page, path = '/'): Promise<string | undefined> {
  await page.goto(`${server.origin}${path}`)
  await page.waitForFunction(() => !!window.marcoSession)
  return page.evaluate(() => window.marcoSession.token())
}

describe('SessionManager and the back/forward cache', () => {
  it('keeps the page eligible while the next page of the origin gets its token; restored, it confirms its session', async () => {
    const page = await context.newPage()
    const { mark, back } = await watchBackForwardCache(page)
    expect(await open(page)).toBe(issued[0])
    await mark()
    // The next page refreshes and posts its token on the session channel (which evicted a cached page that
    // listened on it).
    expect(await open(page, '/?next')).toBe(issued[1])
    expect(await back()).toEqual({ restored: true, notRestored: [] })
    // Back, it missed whatever was said meanwhile: it asked the server again.
    await page.waitForFunction(() => window.marcoSession.events.length === 2)
    expect(issued).toHaveLength(3)
    expect(await page.evaluate(() => window.marcoSession.token())).toBe(issued[2])
    expect(await page.evaluate(() => window.marcoSession.events)).toEqual(['change', 'change'])
  })

  it('ends the session of a restored page when the user logged out meanwhile', async () => {
    const page = await context.newPage()
    const { mark, back } = await watchBackForwardCache(page)
    expect(await open(page)).toBe(issued[0])
    await mark()
    await open(page, '/?next')
    // The next page logs out: it posts the logout on the channel and the server revokes the session.
    await page.evaluate(() => window.marcoSession.logout())
    expect(revoked).toBe(true)
    expect(await back()).toEqual({ restored: true, notRestored: [] })
    await page.waitForFunction(() => window.marcoSession.events.includes('expired'))
    expect(await page.evaluate(() => window.marcoSession.token())).toBeUndefined()
    expect(await page.evaluate(() => window.marcoSession.events)).toEqual(['change', 'expired'])
    expect(issued).toHaveLength(2)
  })
})

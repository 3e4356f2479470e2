import type { Browser, BrowserContext, Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@marco/testing'

/** Debian's Chromium, trusting the test's self-signed certificate (service workers refuse a bad one otherwise). */
export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core')
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
    headless: true,
  })
}

export interface Violation {
  readonly directive: string
  readonly blockedUri: string
  readonly sourceFile: string
  readonly sample: string
}

export interface PageWatch {
  readonly page: Page
  /** `securitypolicyviolation` events, across navigations. */
  readonly violations: Violation[]
  /** Console errors and warnings, across navigations. */
  readonly console: string[]
  /** Uncaught page errors. */
  readonly pageErrors: string[]
  /** Response protocol (`h2`, `http/1.1`) per URL, from the DevTools protocol. */
  readonly protocols: Map<string, string>
  /** Content type per URL of every response. */
  readonly responses: Map<string, { status: number; type: string }>
  /** WebAssembly compilations the page's main thread finished. */
  wasmCompiled(): Promise<number>
}

/**
 * A page that records what the tests assert on: CSP violations (a listener added before any page script),
 * console errors, protocols, and finished WebAssembly compilations (the four compile entry points, wrapped
 * by the test's init script — the page itself patches nothing).
 */
export async function watchPage(context: BrowserContext): Promise<PageWatch> {
  const page = await context.newPage()
  const violations: Violation[] = []
  const consoleMessages: string[] = []
  const pageErrors: string[] = []
  const protocols = new Map<string, string>()
  const responses = new Map<string, { status: number; type: string }>()
  await page.exposeFunction('__marcoE2eViolation', (violation: Violation) => violations.push(violation))
  await page.addInitScript(() => {
    const report = (window as unknown as { __marcoE2eViolation(v: unknown): void }).__marcoE2eViolation
    document.addEventListener('securitypolicyviolation', (event) =>
      report({
        directive: event.effectiveDirective,
        blockedUri: event.blockedURI,
        sourceFile: event.sourceFile,
        sample: event.sample,
      }),
    )
    const counter = window as unknown as { __marcoE2eWasm: number }
    counter.__marcoE2eWasm = 0
    const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
    for (const name of ['compile', 'compileStreaming', 'instantiate', 'instantiateStreaming']) {
      const original = wasm[name]
      if (typeof original !== 'function') continue
      wasm[name] = function (this: unknown, ...args: unknown[]) {
        return original.apply(this, args).then((result) => {
          counter.__marcoE2eWasm++
          return result
        })
      }
    }
  })
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      consoleMessages.push(`${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', (error) => pageErrors.push(String(error.stack ?? error)))
  page.on('response', (response) =>
    responses.set(response.url(), { status: response.status(), type: response.headers()['content-type'] ?? '' }),
  )
  const cdp = await context.newCDPSession(page)
  cdp.on('Network.responseReceived', (event: { response: { url: string; protocol?: string } }) => {
    if (event.response.protocol) protocols.set(event.response.url, event.response.protocol)
  })
  await cdp.send('Network.enable')
  return {
    page,
    violations,
    console: consoleMessages,
    pageErrors,
    protocols,
    responses,
    wasmCompiled: () => page.evaluate(() => (window as unknown as { __marcoE2eWasm?: number }).__marcoE2eWasm ?? 0),
  }
}

export interface LoadTiming {
  /** Navigation start to the end of the load event, from the page's own navigation timing. */
  readonly loadMs: number
  /** Navigation start to DOMContentLoaded end. */
  readonly domContentLoadedMs: number
  /** Bytes that came over the network for the document and every resource (0 when served from a cache). */
  readonly transferBytes: number
  readonly resources: number
  /** Resources that used no network (HTTP cache or the service worker's cache). */
  readonly resourcesFromCache: number
}

/** Reads this navigation's timing once the load event has finished. */
export async function loadTiming(page: Page): Promise<LoadTiming> {
  await page.waitForFunction(() => {
    const [navigation] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    return navigation !== undefined && navigation.loadEventEnd > 0
  })
  return page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    return {
      loadMs: Math.round(navigation.loadEventEnd - navigation.startTime),
      domContentLoadedMs: Math.round(navigation.domContentLoadedEventEnd - navigation.startTime),
      transferBytes: navigation.transferSize + resources.reduce((sum, entry) => sum + entry.transferSize, 0),
      resources: resources.length,
      resourcesFromCache: resources.filter((entry) => entry.transferSize === 0).length,
    }
  })
}

import type { Browser, Page } from 'playwright-core'

/** Debian's Chromium; the flags keep it from reaching for the network it does not have. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface LaunchedChromium {
  readonly browser: Browser
  close(): Promise<void>
}

export interface LaunchOptions {
  /** Keep the back/forward cache on (playwright turns it off by default). */
  readonly backForwardCache?: boolean
}

/**
 * Starts the system Chromium through playwright-core, with a fresh profile.
 *
 * @example
 * const { browser, close } = await launchChromium()
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  // Loaded on use, so unit tests that import these fakes do not load a browser driver.
  const { chromium } = await import('playwright-core')
  // playwright gives every launch a fresh, temporary profile directory of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    ignoreDefaultArgs: options.backForwardCache ? ['--disable-back-forward-cache'] : undefined,
  })
  return {
    browser,
    async close() {
      await browser.close().catch(() => {})
    },
  }
}

/**
 * Bundles a TypeScript entry for a test page (ESM, browser platform); `@marco/*` resolve to the workspace
 * sources through the root tsconfig paths.
 *
 * @example
 * const script = await bundleForBrowser(new URL('./page.ts', import.meta.url).pathname)
 */
export async function bundleForBrowser(entry: string): Promise<string> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/** A minimal HTML page that loads one module script. */
export function testPage(scriptPath: string, title = 'marco test'): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head><body><script type="module" src="${scriptPath}"></script></body></html>`
}

export interface BackForwardCacheWatch {
  /** Chromium's reasons for each time it did not restore the page (CDP `Page.backForwardCacheNotUsed`). */
  readonly notRestored: string[]
  /** Marks the document now shown, so that `back()` can tell a restore of it from a reload. */
  mark(): Promise<void>
  /** Goes back and resolves once the page is shown again: restored from the cache (the mark survived) or not. */
  back(): Promise<{ restored: boolean; notRestored: string[] }>
}

/**
 * Watches a page's back/forward-cache restores (the browser must keep the cache on: `launchChromium({
 * backForwardCache: true })`). Call before the page navigates.
 *
 * @example
 * const cache = await watchBackForwardCache(page)
 * await page.goto(origin); await cache.mark(); await page.goto(`${origin}/elsewhere`)
 * expect(await cache.back()).toEqual({ restored: true, notRestored: [] })
 */
export async function watchBackForwardCache(page: Page): Promise<BackForwardCacheWatch> {
  const notRestored: string[] = []
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.enable')
  cdp.on('Page.backForwardCacheNotUsed', (event) =>
    notRestored.push(...event.notRestoredExplanations.map((explanation) => explanation.reason)),
  )
  return {
    notRestored,
    async mark() {
      await page.evaluate(() => Object.assign(globalThis, { marcoCacheMark: true }))
    },
    async back() {
      // A restored page fires pageshow, not load: wait for the commit, then for the document to be complete.
      await page.goBack({ waitUntil: 'commit' })
      await page.waitForFunction(() => document.readyState === 'complete', undefined, { timeout: 10_000 })
      const restored = await page.evaluate(() => (globalThis as { marcoCacheMark?: boolean }).marcoCacheMark === true)
      return { restored, notRestored: [...notRestored] }
    },
  }
}

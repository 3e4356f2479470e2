import type { Browser } from 'playwright-core'

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

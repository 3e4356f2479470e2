import type { GlobalScope, Scrubber } from '@marco/core'

const UTM = ['source', 'medium', 'campaign', 'term', 'content']

/** The time zone, read once: building an `Intl.DateTimeFormat` costs about a millisecond, and every batch asks. */
let timeZone: string | undefined

/**
 * What every analytics batch says once about where its events happened: the page (scrubbed), referrer,
 * UTM parameters, viewport, device pixel ratio, language, time zone and, where the browser offers them,
 * user-agent client hints. Read when a batch is sent, never per event.
 *
 * @example
 * new EventQueue({ endpoint, context: () => readBatchContext(globalScope, createScrubber()) })
 */
export function readBatchContext(scope: GlobalScope, scrubber: Scrubber): Record<string, unknown> {
  const { location, document, navigator, window } = scope
  const context: Record<string, unknown> = {}
  if (location) {
    context.url = scrubber.url(location.href)
    const params = new URLSearchParams(location.search)
    const utm: Record<string, string> = {}
    for (const key of UTM) {
      const value = params.get(`utm_${key}`)
      if (value) utm[key] = scrubber.string(value.slice(0, 200))
    }
    if (Object.keys(utm).length) context.utm = utm
  }
  if (document?.referrer) context.referrer = scrubber.url(document.referrer)
  if (window) {
    context.viewport = { width: window.innerWidth, height: window.innerHeight }
    context.dpr = window.devicePixelRatio
  }
  if (navigator) {
    context.language = navigator.language
    const hints = (navigator as { userAgentData?: { brands?: unknown; mobile?: boolean; platform?: string } })
      .userAgentData
    if (hints) context.client = { brands: hints.brands, mobile: hints.mobile, platform: hints.platform }
  }
  try {
    context.timeZone = timeZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone
  } catch {
    // no Intl time zone data
  }
  return context
}

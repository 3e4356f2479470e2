import { listen, type CoreContext, type Teardown } from '@marco/core'
import { cssPath } from './cssPath'
import type { Breadcrumb, BreadcrumbOptions } from './types'
import { wrapMethod } from './wrapMethod'

/**
 * Collects the automatic breadcrumbs: clicks (the target's CSS path, never its text), `console.warn` and
 * `console.error`, `fetch` (method, URL, status, duration) and XHR (URL, status, duration, read from the
 * resource timing entries, so `XMLHttpRequest` is not patched), and history navigation. `fetch` and `console`
 * are wrapped only until the teardown, and keep their behaviour and return values. `onFetchFailed` hears a
 * fetch that failed (network error or HTTP ≥ 400), for the `.wasm` load failures.
 *
 * @example
 * const stop = startBreadcrumbs(context, {}, (crumb) => crumbs.push(crumb), (url, status) => {})
 */
export function startBreadcrumbs(
  context: CoreContext,
  options: BreadcrumbOptions,
  add: (crumb: Breadcrumb) => void,
  onFetchFailed: (url: string, status: number) => void,
): Teardown {
  const { scope, monitor, clock } = context
  const stops: Teardown[] = []
  const on = (kind: keyof BreadcrumbOptions) => options[kind] !== false
  if (on('clicks')) {
    stops.push(
      listen(
        monitor,
        scope.document,
        'click',
        (event) => add({ category: 'ui.click', message: cssPath(event.target) }),
        { capture: true },
      ),
    )
  }
  if (on('console')) {
    for (const level of ['warn', 'error'] as const) {
      stops.push(
        wrapMethod(monitor, scope.console, level, (args) =>
          add({
            category: 'console',
            level: level === 'warn' ? 'warning' : level,
            message: args.map(String).join(' ').slice(0, 300),
          }),
        ),
      )
    }
  }
  if (on('fetch')) {
    stops.push(
      wrapMethod(monitor, scope, 'fetch', ([input, init], result) => {
        const start = clock.monotonic()
        const request = input as { url?: string; method?: string }
        const url = String(request?.url ?? input)
        const method = (init as RequestInit | undefined)?.method ?? request?.method ?? 'GET'
        const done = (status: number) => {
          add({ category: 'fetch', data: { method, url, status, durationMs: Math.round(clock.monotonic() - start) } })
          if (!status || status >= 400) onFetchFailed(url, status)
        }
        // The app gets a promise that settles as fetch's did, and a rejection it leaves unhandled stays unhandled
        // (a handler on fetch's own promise would mark it handled: no unhandledrejection for the app or us).
        return (result as Promise<Response>).then(
          (response) => (monitor.call(done, response.status), response),
          (error: unknown) => {
            monitor.call(done, 0)
            throw error
          },
        )
      }),
    )
  }
  const Observer = scope.PerformanceObserver
  if (on('xhr') && Observer) {
    monitor.call(() => {
      const observer = new Observer(
        monitor.wrap((list) => {
          for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
            if (entry.initiatorType === 'xmlhttprequest') {
              add({
                category: 'xhr',
                data: { url: entry.name, status: entry.responseStatus, durationMs: Math.round(entry.duration) },
              })
            }
          }
        }),
      )
      observer.observe({ type: 'resource' })
      stops.push(() => observer.disconnect())
    })
  }
  if (on('navigation')) {
    let from = scope.location?.href
    const navigated = () => {
      const to = scope.location?.href
      add({ category: 'navigation', data: { from, to } })
      from = to
    }
    stops.push(listen(monitor, scope, 'popstate', navigated), listen(monitor, scope, 'hashchange', navigated))
  }
  return () => stops.forEach((stop) => stop())
}

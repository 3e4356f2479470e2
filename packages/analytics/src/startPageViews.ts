import { listen, type GlobalScope, type Monitor, type Teardown } from '@marco/core'

interface NavigateEvent extends Event {
  readonly navigationType: 'push' | 'replace' | 'reload' | 'traverse'
  readonly destination: { readonly url: string; readonly sameDocument: boolean }
}

/**
 * Calls `onPage(url)` for every same-document navigation of a single-page app that changes the path or the
 * query: `pushState` and back/forward (`popstate`), never `replaceState` (apps use it to tidy the URL, which is
 * not a new page) nor a change of hash alone. Uses the Navigation API where it exists; elsewhere it wraps
 * `history.pushState`/`replaceState` (restored by the teardown; they keep their behaviour and return values).
 *
 * @example
 * const stop = startPageViews(globalScope, monitor, (url) => engine.page(undefined, undefined, url))
 */
export function startPageViews(scope: GlobalScope, monitor: Monitor, onPage: (url: string) => void): Teardown {
  const location = scope.location
  if (!location) return () => {}
  const key = (url: string) => url.split('#')[0]
  let last = key(location.href)
  // Cleared by the teardown: a wrapper it could not remove (another library wrapped after it) then does nothing.
  let active = true
  const visit = (url: string, isNewPage = true) => {
    const next = key(url)
    if (!active || next === last) return
    last = next
    if (isNewPage) onPage(url)
  }
  const navigation = (scope as { navigation?: EventTarget }).navigation
  if (navigation) {
    return listen<NavigateEvent>(monitor, navigation, 'navigate', (event) => {
      if (event.destination.sameDocument && event.navigationType !== 'reload') {
        visit(event.destination.url, event.navigationType !== 'replace')
      }
    })
  }
  const history = scope.history
  if (!history) return () => {}
  // `pushState` is a new page; `replaceState` only moves the current one (the next visit compares against it).
  const wrap = (method: 'pushState' | 'replaceState', isNewPage: boolean): Teardown => {
    const original = history[method]
    const wrapped = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args)
      monitor.call(visit, location.href, isNewPage)
      return result
    }
    history[method] = wrapped
    // Put the original back only if nobody wrapped it after us (that would undo their wrapper).
    return () => history[method] === wrapped && (history[method] = original)
  }
  const teardowns = [
    wrap('pushState', true),
    wrap('replaceState', false),
    listen(monitor, scope, 'popstate', () => visit(location.href)),
  ]
  return () => {
    active = false
    for (const teardown of teardowns) teardown()
  }
}

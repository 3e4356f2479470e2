import { listen, startTimeout, type CoreContext, type Feature, type Teardown } from '@marco/core'

/**
 * A feature loaded after the page is interactive: its code is a separate chunk (`import()`), fetched once the
 * page has loaded and the main thread is idle, then set up on the same context. Under the strict CSP the
 * chunk loads because a module script's imports, `import()` included, are fetched with that script's nonce
 * (tested in Chromium; `'strict-dynamic'` additionally trusts the scripts a trusted script inserts).
 *
 * @example
 * createMarcoClient({ features: [lazy(() => import('@marco/crash-reporter').then((m) => new m.CrashReporter()))] })
 */
export function lazy(
  load: () => Promise<Feature>,
  name = 'lazy',
): Feature & { readonly loaded: Promise<Feature | undefined> } {
  let resolveLoaded: (feature: Feature | undefined) => void = () => {}
  const loaded = new Promise<Feature | undefined>((resolve) => (resolveLoaded = resolve))
  return {
    name,
    loaded,
    setup(context: CoreContext): Teardown {
      const { scope, monitor } = context
      let stopped = false
      let teardown: Teardown | undefined
      const start = () => {
        cancelIdle()
        load()
          .then((feature) => {
            if (stopped) return resolveLoaded(undefined)
            const stop = monitor.call(() => feature.setup(context))
            if (typeof stop === 'function') teardown = stop
            resolveLoaded(feature)
          })
          .catch((error) => {
            monitor.report(error)
            resolveLoaded(undefined)
          })
      }
      let cancelIdle: Teardown = () => {}
      const whenIdle = () => {
        if (scope.requestIdleCallback) {
          // Called on the scope: a detached requestIdleCallback throws "Illegal invocation" in browsers.
          let handle: number | undefined = scope.requestIdleCallback(monitor.wrap(start), { timeout: 2_000 })
          cancelIdle = () => {
            if (handle !== undefined) scope.cancelIdleCallback?.(handle)
            handle = undefined
          }
        } else cancelIdle = startTimeout(monitor, start, 0)
      }
      const document = scope.document
      let stopLoad: Teardown = () => {}
      if (!document || document.readyState === 'complete') whenIdle()
      else stopLoad = listen(monitor, scope, 'load', whenIdle, { once: true })
      return () => {
        stopped = true
        stopLoad()
        cancelIdle()
        teardown?.()
        // Stopped before it loaded: it never will (a no-op once `loaded` has settled).
        resolveLoaded(undefined)
      }
    },
  }
}

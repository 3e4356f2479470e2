import { listen, startTimeout, type CoreContext, type Feature, type Teardown } from '@marco/core'

/**
 * A feature loaded after the page is interactive: its code is a separate chunk (`import()`), fetched once the
 * page has loaded and the main thread is idle, then set up on the same context. Under the strict CSP the
 * chunk loads because the nonce-carrying script that imports it is trusted (`'strict-dynamic'`).
 *
 * @example
 * createMarcoClient({ features: [lazy(() => import('@marco/crash-reporter').then((m) => new m.CrashReporter()))] })
 */
export function lazy(load: () => Promise<Feature>, name = 'lazy'): Feature & { readonly loaded: Promise<Feature | undefined> } {
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
        const idle = (scope as { requestIdleCallback?: (callback: () => void, options?: { timeout: number }) => number }).requestIdleCallback
        if (idle) {
          let handle: number | undefined = idle(monitor.wrap(start), { timeout: 2_000 })
          cancelIdle = () => {
            if (handle !== undefined) (scope as { cancelIdleCallback?: (handle: number) => void }).cancelIdleCallback?.(handle)
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
      }
    },
  }
}

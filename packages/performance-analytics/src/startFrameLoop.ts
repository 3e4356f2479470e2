import { listen, type GlobalScope, type Monitor, type Teardown } from '@marco/core'

/**
 * Runs `onFrame(timestamp)` on every animation frame while the page is visible: the loop stops when the
 * page is hidden or goes into the back/forward cache (calling `onPause`, so the gap is not taken for a frame)
 * and starts again when it is shown. In a worker, `requestAnimationFrame` is used where it exists (dedicated
 * workers in Chromium and Firefox); without it nothing runs. Returns the teardown.
 *
 * @example
 * const stop = startFrameLoop(globalScope, monitor, (t) => stats.add(t), () => stats.pause())
 */
export function startFrameLoop(
  scope: GlobalScope,
  monitor: Monitor,
  onFrame: (timestamp: number) => void,
  onPause: () => void,
): Teardown {
  const raf = scope.requestAnimationFrame
  if (typeof raf !== 'function') return () => {}
  const document = scope.document
  let handle: number | undefined
  let stopped = false
  const frame = monitor.wrap((timestamp: number) => {
    handle = undefined
    if (stopped) return
    onFrame(timestamp)
    handle = raf.call(scope, frame)
  })
  const toggle = (): void => {
    const visible = document?.visibilityState !== 'hidden'
    if (visible && handle === undefined && !stopped) handle = raf.call(scope, frame)
    if (!visible && handle !== undefined) {
      scope.cancelAnimationFrame?.call(scope, handle)
      handle = undefined
      onPause()
    }
  }
  const teardowns = [
    listen(monitor, document, 'visibilitychange', toggle),
    listen(
      monitor,
      scope,
      'pagehide',
      () => (scope.cancelAnimationFrame?.call(scope, handle!), (handle = undefined), onPause()),
    ),
    listen(monitor, scope, 'pageshow', toggle),
  ]
  toggle()
  return () => {
    stopped = true
    if (handle !== undefined) scope.cancelAnimationFrame?.call(scope, handle)
    for (const teardown of teardowns) teardown()
  }
}

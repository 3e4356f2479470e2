/** What the signal handler needs of `process` (injectable for tests). */
export interface SignalTarget {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown
  exit(code?: number): never | void
}

/**
 * On the first SIGINT or SIGTERM runs `close` (finish in-flight requests, close the database) and exits 0
 * (1 if closing failed); a second signal exits 1 at once.
 *
 * @example
 * onShutdownSignals(() => collector.close())
 */
export function onShutdownSignals(
  close: () => Promise<void>,
  target: SignalTarget = process,
  log: (message: string) => void = () => {},
): void {
  let stopping = false
  const stop = (signal: string) => () => {
    if (stopping) return target.exit(1)
    stopping = true
    log(`${signal}: finishing in-flight requests, then closing the database`)
    close().then(
      () => target.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`)
        target.exit(1)
      },
    )
  }
  target.on('SIGINT', stop('SIGINT'))
  target.on('SIGTERM', stop('SIGTERM'))
}

import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Starts the demo's own server (`apps/demo/server.mjs`, plain JavaScript loaded at run time) for an end-to-end test.
 *
 * @example
 * const demo = await startDemoServer({ port: 0, host: '127.0.0.1', collectorUrl: collector.url, log: () => {} })
 */
export async function startDemoServer(options: {
  port: number
  host: string
  collectorUrl: string
  log?: (line: string) => void
}): Promise<{ url: string; close(): Promise<void> }> {
  const server = (await import(`${root}apps/demo/server.mjs`)) as {
    startDemoServer(settings: typeof options): Promise<{ url: string; close(): Promise<void> }>
  }
  return server.startDemoServer(options)
}

import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CollectorContext } from './context'
import { createRateLimiter } from './createRateLimiter'
import { createStore } from './createStore'
import { createStream } from './createStream'
import { DEFAULT_ALERT_RULES } from './evaluateAlerts'
import { handleRequest } from './handleRequest'
import { loadBatchValidator } from './loadBatchValidator'
import { loadDashboard } from './loadDashboard'
import { openDatabase } from './openDatabase'
import { sendJson } from './sendJson'
import { startAlerts } from './startAlerts'
import type { Collector, CollectorOptions } from './types'

/** Defaults of {@link CollectorOptions}. */
export const COLLECTOR_DEFAULTS = {
  port: 4318,
  host: '127.0.0.1',
  dbPath: './marco-collector.db',
  rateLimit: { requests: 100, windowMs: 1_000 },
  alertIntervalMs: 5_000,
  alertCooldownMs: 5 * 60_000,
  maxBodyBytes: 1024 * 1024,
} as const

/** How long shutdown waits for in-flight requests before it cuts their connections. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Starts the reference collector: opens (and migrates) the SQLite file, listens, runs the alert rules.
 * Resolves once it accepts connections. `close()` stops accepting, lets in-flight requests finish, ends the
 * dashboard streams, waits for webhook calls and closes the database.
 *
 * @example
 * const collector = await startCollector({ port: 0, dbPath: '/tmp/marco.db', allowedOrigins: ['http://localhost:5173'] })
 * console.log(`${collector.url}/dashboard`)
 * await collector.close()
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const clock = options.clock ?? Date
  const log = options.log
  const db = openDatabase(options.dbPath ?? COLLECTOR_DEFAULTS.dbPath)
  let server: ReturnType<typeof createServer> | undefined
  try {
    const store = createStore(db)
    const stream = createStream(() => clock.now())
    const alertRules = { ...DEFAULT_ALERT_RULES, ...options.alerts }
    const rateLimit = options.rateLimit === undefined ? COLLECTOR_DEFAULTS.rateLimit : options.rateLimit
    const context: CollectorContext = {
      store,
      validate: loadBatchValidator(),
      limiter: rateLimit && rateLimit.requests > 0 ? createRateLimiter(rateLimit, clock) : undefined,
      stream,
      clock,
      allowedOrigins: options.allowedOrigins ?? [],
      maxBodyBytes: options.maxBodyBytes ?? COLLECTOR_DEFAULTS.maxBodyBytes,
      alertRules,
    }
    const dashboard = loadDashboard()
    const inFlight = new Set<Promise<void>>()
    let closing = false
    server = createServer((req: IncomingMessage, res) => {
      // Once shutdown began, a kept-alive connection closes after its current answer.
      if (closing) res.setHeader('connection', 'close')
      const handled = handleRequest(req, res, context, dashboard)
        .catch((error: unknown) => {
          log?.(`${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`)
          if (!res.headersSent) sendJson(res, 500, { error: 'internal_error', message: 'the collector failed to handle this request' })
          else res.end()
        })
        .finally(() => inFlight.delete(handled))
      inFlight.add(handled)
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(options.port ?? COLLECTOR_DEFAULTS.port, options.host ?? COLLECTOR_DEFAULTS.host, () => {
        server!.off('error', reject)
        resolve()
      })
    })
    const alerts = startAlerts({
      store,
      rules: alertRules,
      clock,
      intervalMs: options.alertIntervalMs ?? COLLECTOR_DEFAULTS.alertIntervalMs,
      cooldownMs: options.alertCooldownMs ?? COLLECTOR_DEFAULTS.alertCooldownMs,
      webhookUrl: options.webhookUrl,
      onAlert: (alert) => stream.send('alert', alert),
      log,
    })
    const address = server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const listening = server
    let closed: Promise<void> | undefined

    return {
      url: `http://${host}:${address.port}`,
      port: address.port,
      checkAlerts: () => alerts.check(),
      close: () =>
        (closed ??= (async () => {
          closing = true
          const stopped = new Promise<void>((resolve) => listening.close(() => resolve()))
          stream.close()
          listening.closeIdleConnections()
          const grace = setTimeout(() => listening.closeAllConnections(), SHUTDOWN_GRACE_MS)
          while (inFlight.size) await Promise.allSettled([...inFlight])
          listening.closeIdleConnections()
          await stopped
          clearTimeout(grace)
          await alerts.stop()
          db.close()
        })()),
    }
  } catch (error) {
    server?.close()
    db.close()
    throw error
  }
}

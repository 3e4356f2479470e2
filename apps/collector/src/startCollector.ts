import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CollectorContext } from './context'
import { createRateLimiter } from './createRateLimiter'
import { createReleaseHealth } from './createReleaseHealth'
import { createSourceMaps } from './createSourceMaps'
import { createStore } from './createStore'
import { createStream } from './createStream'
import { createWebhookSender } from './createWebhookSender'
import { DEFAULT_ALERT_RULES } from './evaluateAlerts'
import { createExperimentsService } from './experiments/createExperimentsService'
import { handleRequest } from './handleRequest'
import { isLoopbackHost } from './isLoopbackHost'
import { loadBatchValidator } from './loadBatchValidator'
import { loadDashboard } from './loadDashboard'
import { openDatabase } from './openDatabase'
import { sendJson } from './sendJson'
import { startAlerts } from './startAlerts'
import { startRetention } from './startRetention'
import { watchDatabaseFile } from './watchDatabaseFile'
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
  maxStreams: 100,
  retentionDays: 7,
  webhookConcurrency: 4,
  webhookPerMinute: 30,
  maxSourceMapBytes: 16 * 1024 * 1024,
} as const

/** How often retention runs. */
const RETENTION_INTERVAL_MS = 3_600_000

/** How long shutdown waits for in-flight requests before it cuts their connections. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Starts the reference collector: opens (and migrates) the SQLite file, listens, runs the alert rules and
 * retention, watches the database file. Resolves once it accepts connections. Refuses to start on an address
 * other machines can reach without a `readToken`. `close()` stops accepting, lets in-flight requests finish, ends the
 * dashboard streams, waits for webhook calls and closes the database.
 *
 * @example
 * const collector = await startCollector({ port: 0, dbPath: '/tmp/marco.db', allowedOrigins: ['http://localhost:5173']
 * })
 * console.log(`${collector.url}/dashboard`)
 * await collector.close()
 */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const clock = options.clock ?? Date
  const log = options.log
  const host = options.host ?? COLLECTOR_DEFAULTS.host
  const readToken = options.readToken || undefined
  if (!readToken && !isLoopbackHost(host)) {
    throw new Error(
      `host ${host} is reachable from other machines: set a read token (readToken, --read-token or MARCO_COLLECTOR_READ_TOKEN) so the read API, stream and dashboard are not open to anyone`,
    )
  }
  const dbPath = options.dbPath ?? COLLECTOR_DEFAULTS.dbPath
  const db = openDatabase(dbPath)
  let server: ReturnType<typeof createServer> | undefined
  const database = watchDatabaseFile(dbPath, log)
  try {
    const store = createStore(db)
    const stream = createStream(() => clock.now(), options.maxStreams ?? COLLECTOR_DEFAULTS.maxStreams)
    const alertRules = { ...DEFAULT_ALERT_RULES, ...options.alerts }
    const rateLimit = options.rateLimit === undefined ? COLLECTOR_DEFAULTS.rateLimit : options.rateLimit
    const maxSourceMapBytes = options.maxSourceMapBytes ?? COLLECTOR_DEFAULTS.maxSourceMapBytes
    const releases = createReleaseHealth(db)
    const context: CollectorContext = {
      store,
      database,
      validate: loadBatchValidator(),
      limiter: rateLimit && rateLimit.requests > 0 ? createRateLimiter(rateLimit, clock) : undefined,
      stream,
      clock,
      allowedOrigins: options.allowedOrigins ?? [],
      allowedHosts: options.allowedHosts ?? [host, 'localhost', '127.0.0.1', '[::1]'],
      readToken,
      maxBodyBytes: options.maxBodyBytes ?? COLLECTOR_DEFAULTS.maxBodyBytes,
      alertRules,
      log,
      experiments: createExperimentsService(db, options.experiments),
      sourceMaps: createSourceMaps(db, { dir: options.sourceMapsDir, maxBytes: maxSourceMapBytes, log }),
      uploadToken: options.uploadToken || undefined,
      maxSourceMapBytes,
      releases,
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
          if (!res.headersSent)
            sendJson(res, 500, { error: 'internal_error', message: 'the collector failed to handle this request' })
          else res.end()
        })
        .finally(() => inFlight.delete(handled))
      inFlight.add(handled)
    })
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject)
      server!.listen(options.port ?? COLLECTOR_DEFAULTS.port, host, () => {
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
      webhook: options.webhookUrl
        ? createWebhookSender({
            url: options.webhookUrl,
            concurrency: options.webhookConcurrency ?? COLLECTOR_DEFAULTS.webhookConcurrency,
            perMinute: options.webhookPerMinute ?? COLLECTOR_DEFAULTS.webhookPerMinute,
            clock,
          })
        : undefined,
      onAlert: (alert) => stream.send('alert', alert),
      log,
      releases: () => releases.releases(),
    })
    const retention = startRetention({
      store,
      clock,
      days: options.retentionDays ?? COLLECTOR_DEFAULTS.retentionDays,
      intervalMs: RETENTION_INTERVAL_MS,
      log,
    })
    const address = server.address() as AddressInfo
    const boundHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const listening = server
    let closed: Promise<void> | undefined

    return {
      url: `http://${boundHost}:${address.port}`,
      port: address.port,
      checkAlerts: () => alerts.check(),
      applyRetention: () => retention.run(),
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
          await retention.stop()
          database.stop()
          db.close()
        })()),
    }
  } catch (error) {
    server?.close()
    database.stop()
    db.close()
    throw error
  }
}

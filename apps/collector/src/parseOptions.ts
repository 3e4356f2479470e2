import type { AlertRules, CollectorOptions, RateLimit } from './types'

/** Flags and the environment variables that stand for them (a flag wins). */
const SETTINGS = {
  port: 'MARCO_COLLECTOR_PORT',
  host: 'MARCO_COLLECTOR_HOST',
  db: 'MARCO_COLLECTOR_DB',
  webhook: 'MARCO_COLLECTOR_WEBHOOK',
  'rate-limit': 'MARCO_COLLECTOR_RATE_LIMIT',
  'allowed-origins': 'MARCO_COLLECTOR_ALLOWED_ORIGINS',
  'alert-error-rate': 'MARCO_COLLECTOR_ALERT_ERROR_RATE',
  'alert-new-fingerprint': 'MARCO_COLLECTOR_ALERT_NEW_FINGERPRINT',
  'alert-collab-p95': 'MARCO_COLLECTOR_ALERT_COLLAB_P95',
  'alert-inp': 'MARCO_COLLECTOR_ALERT_INP',
  'alert-interval': 'MARCO_COLLECTOR_ALERT_INTERVAL',
  'read-token': 'MARCO_COLLECTOR_READ_TOKEN',
  'allowed-hosts': 'MARCO_COLLECTOR_ALLOWED_HOSTS',
  'max-streams': 'MARCO_COLLECTOR_MAX_STREAMS',
  'retention-days': 'MARCO_COLLECTOR_RETENTION_DAYS',
  'webhook-concurrency': 'MARCO_COLLECTOR_WEBHOOK_CONCURRENCY',
  'webhook-per-minute': 'MARCO_COLLECTOR_WEBHOOK_PER_MINUTE',
  experiments: 'MARCO_COLLECTOR_EXPERIMENTS',
  'experiment-conversion': 'MARCO_COLLECTOR_EXPERIMENT_CONVERSION',
  'experiment-metric': 'MARCO_COLLECTOR_EXPERIMENT_METRIC',
  'alert-crash-free': 'MARCO_COLLECTOR_ALERT_CRASH_FREE',
  'alert-crash-free-min-sessions': 'MARCO_COLLECTOR_ALERT_CRASH_FREE_MIN_SESSIONS',
  'alert-cooldown': 'MARCO_COLLECTOR_ALERT_COOLDOWN',
  'max-body-bytes': 'MARCO_COLLECTOR_MAX_BODY_BYTES',
  'upload-token': 'MARCO_COLLECTOR_UPLOAD_TOKEN',
  'source-maps-dir': 'MARCO_COLLECTOR_SOURCE_MAPS_DIR',
  'max-source-map-bytes': 'MARCO_COLLECTOR_MAX_SOURCE_MAP_BYTES',
} as const

type Setting = keyof typeof SETTINGS

/** Usage text for `--help`. */
export const USAGE = `usage: node apps/collector/dist/main.mjs [options]

  --port N                  TCP port (0: any free one)           default 4318     env MARCO_COLLECTOR_PORT
  --host ADDR               address to listen on                 default 127.0.0.1 env MARCO_COLLECTOR_HOST
  --db PATH                 SQLite file                          default ./marco-collector.db  env MARCO_COLLECTOR_DB
  --webhook URL             POST each alert here as JSON                          env MARCO_COLLECTOR_WEBHOOK
  --rate-limit N[/WINDOW]   requests per client: 100 (per second), 600/1m, 50/10s, off
                                                                 default 100/1s   env MARCO_COLLECTOR_RATE_LIMIT
  --allowed-origins LIST    comma-separated browser origins allowed to send, or *  (none by default)
                                                                                  env MARCO_COLLECTOR_ALLOWED_ORIGINS
  --alert-error-rate N      exceptions per minute (off: 0)       default 10
  --alert-new-fingerprint   true|false                           default true
  --alert-collab-p95 MS     collaboration latency p95 budget     default 150
  --alert-inp MS            INP p75 budget                       default 200
  --alert-crash-free PCT    crash-free sessions a release needs (off: 0)  default 99
  --alert-crash-free-min-sessions N  releases with fewer sessions are not judged  default 10
  --alert-interval MS       how often rules run                  default 5000
  --alert-cooldown MS       the same alert is not raised again within this  default 300000
  --read-token TOKEN        bearer token for the read API, stream and dashboard
                            (required when --host is not loopback) env MARCO_COLLECTOR_READ_TOKEN
  --allowed-hosts LIST      comma-separated Host names answered, or *
                            default: the --host, localhost, 127.0.0.1, [::1]  env MARCO_COLLECTOR_ALLOWED_HOSTS
  --max-streams N           dashboard streams at once            default 100
  --max-body-bytes N        largest request body (also inflated) default 1048576
  --retention-days N        delete rows older than this (0: keep) default 7    env MARCO_COLLECTOR_RETENTION_DAYS
  --webhook-concurrency N   webhook POSTs in flight              default 4
  --webhook-per-minute N    webhook POSTs per minute             default 30
  --experiments FILE        experiment definitions (JSON) served at /v1/experiments
  --experiment-conversion NAME  the track event whose share of sessions is the conversion rate
  --experiment-metric NAME  the metric compared: errors, vital:NAME, count:NAME   default errors
  --upload-token TOKEN      bearer token for POST /v1/sourcemaps (uploads refused without it)
  --source-maps-dir DIR     source maps named like the built assets (main-1a2b.js.map), for any release
  --max-source-map-bytes N  largest source map, uploaded or read from the directory  default 16777216

  Every flag has an environment variable: MARCO_COLLECTOR_ + the flag in upper case with _ for -.
`

/**
 * Reads collector options from command-line flags (`--port 4318` or `--port=4318`) and `MARCO_COLLECTOR_*`
 * environment variables; a flag wins over the variable. Throws an `Error` naming the flag and the fix for an
 * unknown flag or a bad value.
 *
 * @example
 * parseOptions(['--port', '0', '--allowed-origins', 'http://localhost:5173'], process.env)
 * // { port: 0, allowedOrigins: ['http://localhost:5173'] }
 */
export function parseOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): CollectorOptions & { help?: boolean } {
  const values: Partial<Record<Setting, string>> = {}
  for (const [flag, name] of Object.entries(SETTINGS))
    if (env[name] !== undefined && env[name] !== '') values[flag as Setting] = env[name]
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') return { help: true }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg)
    if (!match || !(match[1]! in SETTINGS)) throw new Error(`unknown option ${arg}; see --help`)
    const flag = match[1] as Setting
    let value = match[2]
    if (value === undefined) {
      const next = argv[i + 1]
      if (flag === 'alert-new-fingerprint' && (next === undefined || next.startsWith('--'))) value = 'true'
      else if (next === undefined) throw new Error(`--${flag} needs a value; see --help`)
      else value = argv[++i]!
    }
    values[flag] = value
  }

  const options: CollectorOptions = {}
  if (values.port !== undefined) options.port = integer('port', values.port, 0, 65_535)
  if (values.host !== undefined) options.host = values.host
  if (values.db !== undefined) options.dbPath = values.db
  if (values.webhook !== undefined) {
    if (!/^https?:\/\//.test(values.webhook)) throw new Error(`--webhook must be an http(s) URL, got ${values.webhook}`)
    options.webhookUrl = values.webhook
  }
  if (values['rate-limit'] !== undefined) options.rateLimit = rateLimit(values['rate-limit'])
  if (values['allowed-origins'] !== undefined) {
    options.allowedOrigins = values['allowed-origins']
      .split(',')
      .map((origin) => origin.trim().replace(/\/$/, ''))
      .filter(Boolean)
  }
  const alerts: AlertRules = {}
  if (values['alert-error-rate'] !== undefined)
    alerts.errorRatePerMinute = integer('alert-error-rate', values['alert-error-rate'], 0) || false
  if (values['alert-new-fingerprint'] !== undefined)
    alerts.newFingerprint = !/^(false|0|no|off)$/i.test(values['alert-new-fingerprint'])
  if (values['alert-collab-p95'] !== undefined)
    alerts.collabP95Ms = integer('alert-collab-p95', values['alert-collab-p95'], 0) || false
  if (values['alert-inp'] !== undefined) alerts.inpMs = integer('alert-inp', values['alert-inp'], 0) || false
  if (values['alert-crash-free'] !== undefined)
    alerts.crashFreeSessionsPercent = percent('alert-crash-free', values['alert-crash-free']) || false
  if (values['alert-crash-free-min-sessions'] !== undefined)
    alerts.crashFreeMinSessions = integer('alert-crash-free-min-sessions', values['alert-crash-free-min-sessions'], 1)
  if (Object.keys(alerts).length) options.alerts = alerts
  if (values['alert-interval'] !== undefined)
    options.alertIntervalMs = integer('alert-interval', values['alert-interval'], 100)
  if (values['alert-cooldown'] !== undefined)
    options.alertCooldownMs = integer('alert-cooldown', values['alert-cooldown'], 0)
  if (values['max-body-bytes'] !== undefined)
    options.maxBodyBytes = integer('max-body-bytes', values['max-body-bytes'], 1_024, 1_024 ** 3)
  if (values['read-token'] !== undefined) {
    if (values['read-token'].length < 16)
      throw new Error('--read-token must be at least 16 characters (e.g. `openssl rand -hex 32`)')
    options.readToken = values['read-token']
  }
  if (values['allowed-hosts'] !== undefined)
    options.allowedHosts = values['allowed-hosts']
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean)
  if (values['max-streams'] !== undefined)
    options.maxStreams = integer('max-streams', values['max-streams'], 1, 100_000)
  if (values['retention-days'] !== undefined)
    options.retentionDays = integer('retention-days', values['retention-days'], 0, 36_500)
  if (values['webhook-concurrency'] !== undefined)
    options.webhookConcurrency = integer('webhook-concurrency', values['webhook-concurrency'], 1, 64)
  if (values['webhook-per-minute'] !== undefined)
    options.webhookPerMinute = integer('webhook-per-minute', values['webhook-per-minute'], 1, 10_000)
  if (
    values.experiments !== undefined ||
    values['experiment-conversion'] !== undefined ||
    values['experiment-metric'] !== undefined
  ) {
    options.experiments = {
      ...(values.experiments !== undefined && { file: values.experiments }),
      ...(values['experiment-conversion'] !== undefined && { conversion: values['experiment-conversion'] }),
      ...(values['experiment-metric'] !== undefined && { metric: values['experiment-metric'] }),
    }
  }
  if (values['upload-token'] !== undefined) {
    if (values['upload-token'].length < 16)
      throw new Error('--upload-token must be at least 16 characters (e.g. `openssl rand -hex 32`)')
    options.uploadToken = values['upload-token']
  }
  if (values['source-maps-dir'] !== undefined) options.sourceMapsDir = values['source-maps-dir']
  if (values['max-source-map-bytes'] !== undefined)
    options.maxSourceMapBytes = integer('max-source-map-bytes', values['max-source-map-bytes'], 1_024, 1_024 ** 3)
  return options
}

function percent(flag: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 100)
    throw new Error(`--${flag} must be a percentage from 0 to 100 (e.g. 99.5; 0 turns it off), got ${text}`)
  return value
}

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${flag} must be an integer from ${min} to ${max}, got ${text}`)
  return value
}

function rateLimit(text: string): RateLimit | false {
  if (/^(off|0|false|none)$/i.test(text)) return false
  const match = /^(\d+)(?:\/(\d*)(ms|s|m|h)?)?$/.exec(text.trim())
  if (!match) throw new Error(`--rate-limit must look like 100 (per second), 600/1m, 50/10s or off, got ${text}`)
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[3] ?? 's']!
  const windowMs = (match[2] ? Number(match[2]) : 1) * unit
  const requests = Number(match[1])
  if (!requests || !windowMs) return false
  return { requests, windowMs }
}

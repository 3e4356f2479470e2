import { describe, expect, it } from 'vitest'
import { parseOptions } from './parseOptions'

describe('parseOptions', () => {
  it('reads flags and MARCO_COLLECTOR_* variables, a flag winning', () => {
    const options = parseOptions(
      [
        '--port',
        '0',
        '--db=/tmp/x.db',
        '--allowed-origins',
        'http://localhost:5173, https://app.example/',
        '--rate-limit',
        '600/1m',
      ],
      {
        MARCO_COLLECTOR_PORT: '9000',
        MARCO_COLLECTOR_HOST: '0.0.0.0',
        MARCO_COLLECTOR_WEBHOOK: 'https://hooks.example/marco',
      },
    )
    expect(options).toEqual({
      port: 0,
      host: '0.0.0.0',
      dbPath: '/tmp/x.db',
      webhookUrl: 'https://hooks.example/marco',
      rateLimit: { requests: 600, windowMs: 60_000 },
      allowedOrigins: ['http://localhost:5173', 'https://app.example'],
    })
  })

  it('reads the experiments file, conversion and metric, from flags or the environment', () => {
    expect(
      parseOptions(['--experiments', './experiments.json', '--experiment-metric=vital:INP'], {
        MARCO_COLLECTOR_EXPERIMENT_CONVERSION: 'stroke_drawn',
      }),
    ).toEqual({
      experiments: { file: './experiments.json', conversion: 'stroke_drawn', metric: 'vital:INP' },
    })
    expect(parseOptions([], {})).toEqual({})
  })

  it('reads rate limits per second, per window and off, and the alert rules', () => {
    expect(parseOptions(['--rate-limit', '100']).rateLimit).toEqual({ requests: 100, windowMs: 1_000 })
    expect(parseOptions(['--rate-limit', '50/10s']).rateLimit).toEqual({ requests: 50, windowMs: 10_000 })
    expect(parseOptions(['--rate-limit', 'off']).rateLimit).toBe(false)
    expect(
      parseOptions(['--alert-error-rate', '0', '--alert-inp', '300', '--alert-new-fingerprint', 'false']).alerts,
    ).toEqual({ errorRatePerMinute: false, inpMs: 300, newFingerprint: false })
  })

  it('reads the read token, allowed hosts, stream cap, retention and webhook limits', () => {
    const options = parseOptions(
      [
        '--allowed-hosts',
        'marco.example, collector',
        '--max-streams',
        '20',
        '--retention-days',
        '0',
        '--webhook-concurrency',
        '2',
        '--webhook-per-minute=10',
      ],
      {
        MARCO_COLLECTOR_READ_TOKEN: 'a-long-enough-read-token',
      },
    )
    expect(options).toEqual({
      readToken: 'a-long-enough-read-token',
      allowedHosts: ['marco.example', 'collector'],
      maxStreams: 20,
      retentionDays: 0,
      webhookConcurrency: 2,
      webhookPerMinute: 10,
    })
    expect(() => parseOptions(['--read-token', 'short'])).toThrow(/--read-token must be at least 16 characters/)
    expect(() => parseOptions(['--retention-days', '1.5'])).toThrow(/--retention-days must be an integer/)
  })

  it('reads the source-map upload token, directory and size limit, from flags or the environment', () => {
    expect(
      parseOptions(['--source-maps-dir', 'apps/demo/dist/assets', '--max-source-map-bytes=4194304'], {
        MARCO_COLLECTOR_UPLOAD_TOKEN: 'an-upload-token-of-32-characters',
      }),
    ).toEqual({
      uploadToken: 'an-upload-token-of-32-characters',
      sourceMapsDir: 'apps/demo/dist/assets',
      maxSourceMapBytes: 4_194_304,
    })
    expect(parseOptions(['--source-maps-dir=/srv/maps'], { MARCO_COLLECTOR_SOURCE_MAPS_DIR: '/tmp/old' })).toEqual({
      sourceMapsDir: '/srv/maps',
    })
    expect(() => parseOptions(['--upload-token', 'short'])).toThrow(/--upload-token must be at least 16 characters/)
    expect(() => parseOptions(['--max-source-map-bytes', '10'])).toThrow(
      '--max-source-map-bytes must be an integer from 1024 to 1073741824, got 10',
    )
  })

  it('reads the release-health thresholds, the alert cooldown and the body limit', () => {
    expect(
      parseOptions(['--alert-crash-free', '99.5', '--alert-crash-free-min-sessions', '25', '--alert-cooldown=60000'], {
        MARCO_COLLECTOR_ALERT_ERROR_RATE: '50',
        MARCO_COLLECTOR_MAX_BODY_BYTES: '262144',
      }),
    ).toEqual({
      alerts: { errorRatePerMinute: 50, crashFreeSessionsPercent: 99.5, crashFreeMinSessions: 25 },
      alertCooldownMs: 60_000,
      maxBodyBytes: 262_144,
    })
    expect(parseOptions(['--alert-crash-free', '0']).alerts).toEqual({ crashFreeSessionsPercent: false })
    expect(() => parseOptions(['--alert-crash-free', '101'])).toThrow(
      '--alert-crash-free must be a percentage from 0 to 100 (e.g. 99.5; 0 turns it off), got 101',
    )
    expect(() => parseOptions(['--alert-crash-free', 'high'])).toThrow(/--alert-crash-free must be a percentage/)
    expect(() => parseOptions(['--alert-crash-free-min-sessions', '0'])).toThrow(
      /--alert-crash-free-min-sessions must be an integer from 1/,
    )
  })

  it('names the flag and the fix for a mistake', () => {
    expect(() => parseOptions(['--prot', '1'])).toThrow('unknown option --prot; see --help')
    expect(() => parseOptions(['--port', 'http'])).toThrow('--port must be an integer from 0 to 65535, got http')
    expect(() => parseOptions(['--rate-limit', 'fast'])).toThrow(/--rate-limit must look like/)
    expect(() => parseOptions(['--webhook', 'ftp://x'])).toThrow(/--webhook must be an http\(s\) URL/)
    expect(() => parseOptions(['--db'])).toThrow('--db needs a value; see --help')
  })
})

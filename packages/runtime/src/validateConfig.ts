import type { Feature } from '@marco/core'
import type { MarcoConfig } from './MarcoRuntime'

const KNOWN = ['endpoint', 'transport', 'sink', 'release', 'environment', 'consent', 'sampleRate', 'debug', 'features', 'queue', 'scope']

/**
 * Checks a configuration without throwing: every mistake becomes one warning naming the option and the
 * fix, and the value falls back to a safe default.
 *
 * @example
 * const { config, warnings } = validateConfig({ sampleRate: 2 }) // sampleRate 1, one warning
 */
export function validateConfig(input: unknown): { config: MarcoConfig; warnings: string[] } {
  const warnings: string[] = []
  if (!input || typeof input !== 'object') {
    return { config: {}, warnings: ['createMarcoClient(config): config must be an object; running with defaults'] }
  }
  const config = { ...(input as MarcoConfig) }
  for (const key of Object.keys(config)) {
    if (!KNOWN.includes(key)) warnings.push(`config.${key} is not an option (known: ${KNOWN.join(', ')}); ignored`)
  }
  if (config.endpoint !== undefined) {
    let ok = typeof config.endpoint === 'string'
    try {
      if (ok) new URL(config.endpoint!, 'https://base.invalid/')
    } catch {
      ok = false
    }
    if (!ok) {
      warnings.push(`config.endpoint must be a URL string such as '/v1/batch'; got ${String(config.endpoint)}; events will wait`)
      delete config.endpoint
    }
  }
  if (!config.endpoint && !config.transport && !config.sink) {
    warnings.push('config.endpoint (or transport or sink) is missing: events are kept but not sent')
  }
  if (config.sampleRate !== undefined) {
    const rate = Number(config.sampleRate)
    const clamped = Number.isNaN(rate) ? 1 : Math.min(1, Math.max(0, rate))
    if (clamped !== config.sampleRate) warnings.push(`config.sampleRate must be a number from 0 to 1; got ${String(config.sampleRate)}, using ${clamped}`)
    config.sampleRate = clamped
  }
  if (config.features !== undefined) {
    const features = Array.isArray(config.features) ? config.features : []
    if (!Array.isArray(config.features)) warnings.push('config.features must be an array of features, e.g. [new CrashReporter()]; ignored')
    config.features = features.filter((feature: Feature) => {
      const ok = !!feature && typeof feature.setup === 'function'
      if (!ok) warnings.push(`config.features contains ${String(feature)}, which is not a feature (no setup()); skipped`)
      return ok
    })
  }
  return { config, warnings }
}

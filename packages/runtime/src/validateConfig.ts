import type { Feature } from '@marco/core'
import type { MarcoConfig } from './MarcoRuntime'

/** Every option and the `typeof` its value must have (`array` for an array). */
const OPTIONS: Record<keyof MarcoConfig, string> = {
  endpoint: 'string',
  transport: 'object',
  sink: 'object',
  release: 'string',
  environment: 'string',
  consent: 'object',
  sampleRate: 'number',
  debug: 'boolean',
  features: 'array',
  queue: 'object',
  scope: 'object',
}

/**
 * Checks a configuration without throwing: every mistake becomes one warning naming the option, and the
 * value falls back to a safe default (an option of the wrong type is left out; a sample rate is clamped
 * to [0, 1]; what is not a feature is skipped).
 *
 * @example
 * const { config, warnings } = validateConfig({ sampleRate: 2 }) // sampleRate 1, one warning
 */
export function validateConfig(input: unknown): { config: MarcoConfig; warnings: string[] } {
  const warnings: string[] = []
  const config: Record<string, unknown> = {}
  if (!input || typeof input !== 'object') warnings.push('config must be an object; running with defaults')
  else {
    for (const [key, value] of Object.entries(input)) {
      const type = OPTIONS[key as keyof MarcoConfig]
      const ok =
        value === undefined ||
        ((type === 'array' ? Array.isArray(value) : typeof value === type && value !== null) &&
          (key !== 'endpoint' || isUrl(value as string)))
      if (ok) config[key] = value
      else
        warnings.push(
          type
            ? `config.${key} must be ${key === 'endpoint' ? 'a URL' : `of type ${type}`}; got ${describe(value)}; ignored`
            : `config.${key} is not an option; ignored`,
        )
    }
  }
  const rate = config.sampleRate as number | undefined
  if (rate !== undefined) {
    const clamped = Number.isNaN(rate) ? 1 : Math.min(1, Math.max(0, rate))
    if (clamped !== rate) warnings.push(`config.sampleRate must be from 0 to 1; got ${rate}, using ${clamped}`)
    config.sampleRate = clamped
  }
  if (config.features) {
    config.features = (config.features as Feature[]).filter((feature) => {
      const ok = typeof feature?.setup === 'function'
      if (!ok) warnings.push(`config.features: ${describe(feature)} is not a feature (no setup()); skipped`)
      return ok
    })
  }
  if (!config.endpoint && !config.transport && !config.sink)
    warnings.push('config.endpoint (or transport or sink) is missing: events are kept but not sent')
  return { config: config as MarcoConfig, warnings }
}

/** A relative or absolute URL (relative ones are parsed against a placeholder base). */
function isUrl(value: string): boolean {
  try {
    return !!new URL(value, 'https://a.invalid/')
  } catch {
    return false
  }
}

/** A value as text for a warning; one that cannot be turned into text (an object without a prototype) by its type. */
function describe(value: unknown): string {
  try {
    return String(value)
  } catch {
    return typeof value
  }
}

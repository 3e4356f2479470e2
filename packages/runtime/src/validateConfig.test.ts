import { describe, expect, it } from 'vitest'
import type { CoreContext } from '@marco/core'
import { validateConfig } from './validateConfig'

const feature = { name: 'probe', setup: (_context: CoreContext) => () => {} }

describe('validateConfig', () => {
  it('passes a well-formed configuration through without a warning', () => {
    const input = {
      endpoint: '/v1/batch',
      release: '2.0.3',
      environment: 'prod',
      sampleRate: 0.5,
      debug: true,
      features: [feature],
      consent: {},
      queue: {},
    }
    const { config, warnings } = validateConfig(input)
    expect(warnings).toEqual([])
    expect(config).toEqual(input)
  })

  it('names each option of the wrong type once and leaves it out', () => {
    const { config, warnings } = validateConfig({
      endpoint: 'http://[nope',
      release: 3,
      debug: 'yes',
      transport: null,
      consent: 'granted',
      queue: undefined,
      sink: {},
    })
    expect(warnings).toHaveLength(5)
    for (const key of ['endpoint', 'release', 'debug', 'transport', 'consent']) {
      expect(warnings.filter((warning) => warning.startsWith(`config.${key} `))).toHaveLength(1)
      expect(config).not.toHaveProperty(key)
    }
    expect(warnings[0]).toBe('config.endpoint must be a URL; got http://[nope; ignored')
    expect(config.sink).toEqual({})
  })

  it('clamps the sample rate to [0, 1]', () => {
    for (const [rate, expected] of [
      [7, 1],
      [-1, 0],
      [Number.NaN, 1],
      [0, 0],
      [1, 1],
    ] as const) {
      const { config, warnings } = validateConfig({ endpoint: '/v1', sampleRate: rate })
      expect(config.sampleRate).toBe(expected)
      expect(warnings).toHaveLength(rate === expected ? 0 : 1)
    }
  })

  it('skips what is not a feature and keeps the rest in order', () => {
    const other = { ...feature, name: 'other' }
    const { config, warnings } = validateConfig({ endpoint: '/v1', features: [feature, null, {}, 'crash', other] })
    expect(config.features).toEqual([feature, other])
    expect(warnings).toHaveLength(3)
    expect(validateConfig({ endpoint: '/v1', features: 'all' }).warnings).toEqual([
      'config.features must be of type array; got all; ignored',
    ])
  })

  it('warns of unknown options, a missing destination and a config that is not an object', () => {
    expect(validateConfig({ endpoint: '/v1', colour: 'blue' }).warnings).toEqual([
      'config.colour is not an option; ignored',
    ])
    expect(validateConfig({}).warnings).toEqual([
      'config.endpoint (or transport or sink) is missing: events are kept but not sent',
    ])
    const { config, warnings } = validateConfig(null)
    expect(config).toEqual({})
    expect(warnings[0]).toBe('config must be an object; running with defaults')
  })
})

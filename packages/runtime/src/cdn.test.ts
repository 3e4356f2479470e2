import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const dist = new URL('../dist/', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, dist))

describe('the CDN bundle (dist/marco.min.js, from the build)', () => {
  it('defines exactly one global, Marco, with the runtime and every feature', () => {
    const sandbox: Record<string, unknown> = {}
    const before = new Set(Object.getOwnPropertyNames(runInNewContext('globalThis', sandbox)))
    runInNewContext(read('marco.min.js').toString('utf8'), sandbox)
    const after = Object.getOwnPropertyNames(runInNewContext('globalThis', sandbox)).filter((name) => !before.has(name))
    expect(after).toEqual(['Marco'])
    const marco = sandbox.Marco as Record<string, unknown>
    for (const name of [
      'createMarcoClient',
      'lazy',
      'AnalyticsEngine',
      'CrashReporter',
      'PerformanceAnalytics',
      'WasmLoader',
      'createWorkerSink',
      'CspReporting',
      'Consent',
      'EventQueue',
      'Experiments',
      'defineExperiment',
    ]) {
      expect(typeof marco[name]).toBe('function')
    }
    // Libraries an app calls itself, not runtime features: imported from their packages.
    for (const name of ['MemoryPool', 'WorkerPool', 'wrap', 'expose']) expect(marco[name]).toBeUndefined()
  })

  it('ships its SRI hash and brotli and gzip copies of the same bytes', () => {
    const code = read('marco.min.js')
    expect(read('marco.min.js.sri').toString().trim()).toBe(
      `sha384-${createHash('sha384').update(code).digest('base64')}`,
    )
    expect(brotliDecompressSync(read('marco.min.js.br')).equals(code)).toBe(true)
    expect(gunzipSync(read('marco.min.js.gz')).equals(code)).toBe(true)
  })
})

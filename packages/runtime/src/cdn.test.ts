import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

// The script-tag bundles, from the build: the runtime's, and the workers' that a page loads next to it.
describe.each([
  {
    file: 'marco.min.js',
    dist: new URL('../dist/', import.meta.url),
    global: 'Marco',
    present: [
      'createMarcoClient',
      'lazy',
      'AnalyticsEngine',
      'CrashReporter',
      'PerformanceAnalytics',
      'WasmLoader',
      'CspReporting',
      'Consent',
      'EventQueue',
      'Experiments',
      'defineExperiment',
    ],
    // Libraries an app calls itself, not runtime features: imported from their packages.
    absent: ['MemoryPool', 'WorkerPool', 'wrap', 'expose', 'createWorkerSink'],
  },
  {
    file: 'marco-workers.min.js',
    dist: new URL('../../workers/dist/', import.meta.url),
    global: 'MarcoWorkers',
    present: ['createWorkerSink', 'createSharedState', 'WorkerPool', 'wrap', 'expose'],
    // Nothing of the runtime: it comes from marco.min.js.
    absent: ['createMarcoClient', 'AnalyticsEngine', 'EventQueue'],
  },
])('the script-tag bundle dist/$file', ({ file, dist, global, present, absent }) => {
  const read = (name: string) => readFileSync(new URL(name, dist))

  it(`defines exactly one global, ${global}, with what it carries and nothing else`, () => {
    const sandbox: Record<string, unknown> = {}
    const before = new Set(Object.getOwnPropertyNames(runInNewContext('globalThis', sandbox)))
    runInNewContext(read(file).toString('utf8'), sandbox)
    const after = Object.getOwnPropertyNames(runInNewContext('globalThis', sandbox)).filter((name) => !before.has(name))
    expect(after).toEqual([global])
    const exported = sandbox[global] as Record<string, unknown>
    for (const name of present) expect(typeof exported[name], name).toBe('function')
    for (const name of absent) expect(exported[name], name).toBeUndefined()
  })

  it('ships its SRI hash and brotli and gzip copies of the same bytes', () => {
    const code = read(file)
    expect(read(`${file}.sri`).toString().trim()).toBe(`sha384-${createHash('sha384').update(code).digest('base64')}`)
    expect(brotliDecompressSync(read(`${file}.br`)).equals(code)).toBe(true)
    expect(gunzipSync(read(`${file}.gz`)).equals(code)).toBe(true)
  })
})

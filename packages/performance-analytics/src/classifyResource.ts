/** The loads `monitorRealTimeMetrics` summarises from Resource Timing. */
export type ResourceKind = 'wasm' | 'worker' | 'script'

/**
 * Which kind of load a Resource Timing entry is, by its URL path and initiator: a `.wasm` module, a worker
 * script (a path naming a worker: browsers report worker loads as initiator `other`), a script, or none of
 * them (`undefined`).
 *
 * @example
 * classifyResource({ name: 'https://cdn.example.com/core.wasm?v=3', initiatorType: 'fetch' }) // 'wasm'
 */
export function classifyResource(entry: { name: string; initiatorType?: string }): ResourceKind | undefined {
  const path = entry.name.split(/[?#]/)[0]!
  if (/\.wasm$/i.test(path)) return 'wasm'
  if (/worker[^/]*$/i.test(path)) return 'worker'
  return entry.initiatorType === 'script' || /\.m?js$/i.test(path) ? 'script' : undefined
}

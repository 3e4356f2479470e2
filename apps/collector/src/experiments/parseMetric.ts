/** A numeric per-session metric the results compare, read out of stored events. */
export interface MetricSpec {
  /** The spec as given (`errors`, `vital:INP`, `count:export`, `field:perf_summary:$.fps.p50`). */
  readonly id: string
  /** Event type whose rows feed it. */
  readonly type: string
  /**
   * `count`: events per session (0 without any); `mean`: the session's mean of `path` (sessions without are left out).
   */
  readonly aggregate: 'count' | 'mean'
  readonly path?: string
  /** Only rows whose payload at `where[0]` equals `where[1]`. */
  readonly where?: readonly [path: string, value: string]
}

const NAME = /^[\w .:/-]{1,200}$/
const PATH = /^\$(\.[A-Za-z_]\w{0,63}){1,8}$/

/**
 * Reads a metric spec: `errors` (exceptions per session), `vital:<NAME>` (the session's mean Web Vital),
 * `count:<track name>` (that `track` event per session), `field:<event type>:<$.json.path>` (the session's
 * mean of a numeric payload field). Returns an error message for anything else.
 *
 * @example
 * parseMetric('vital:INP') // { id: 'vital:INP', type: 'web_vital', aggregate: 'mean', path: '$.value', where:
 * ['$.name', 'INP'] }
 */
export function parseMetric(spec: string): MetricSpec | string {
  const [kind, first, ...rest] = spec.split(':')
  const second = rest.join(':')
  if (spec === 'errors') return { id: spec, type: 'exception', aggregate: 'count' }
  if (kind === 'vital' && first && NAME.test(first))
    return { id: spec, type: 'web_vital', aggregate: 'mean', path: '$.value', where: ['$.name', first] }
  if (kind === 'count' && first && NAME.test(first))
    return { id: spec, type: 'track', aggregate: 'count', where: ['$.name', first] }
  if (kind === 'field' && first && NAME.test(first) && PATH.test(second))
    return { id: spec, type: first, aggregate: 'mean', path: second }
  return `metric "${spec.slice(0, 100)}" is not one of errors, vital:<NAME>, count:<track name>, field:<event type>:<$.path>`
}

/** The query parameter QA uses to force variants: `?marco-exp=renderer:webgl,smoothing:off`. */
export const OVERRIDE_PARAM = 'marco-exp'

/**
 * The forced variants named in a query string (`marco-exp=key:variant`, comma-separated or repeated). Whether
 * they apply, and only to a variant the experiment has, is the caller's decision.
 *
 * @example
 * readOverrides('?marco-exp=renderer:webgl') // Map { 'renderer' => 'webgl' }
 */
export function readOverrides(search: string): Map<string, string> {
  const overrides = new Map<string, string>()
  for (const value of new URLSearchParams(search).getAll(OVERRIDE_PARAM)) {
    for (const pair of value.split(',')) {
      const at = pair.indexOf(':')
      if (at > 0) overrides.set(pair.slice(0, at), pair.slice(at + 1))
    }
  }
  return overrides
}

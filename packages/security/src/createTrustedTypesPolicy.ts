import { globalScope, type GlobalScope } from '@marco/core'

/** The part of `window.trustedTypes` this package uses (not in TypeScript's DOM types yet). */
export interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createScriptURL?: (url: string) => string },
  ): { createScriptURL(url: string): unknown }
}

/** What `createTrustedTypesPolicy` returns: script URLs for `new Worker`, `import()` targets and `<script src>`. */
export interface ScriptUrlPolicy {
  /**
   * The URL as a `TrustedScriptURL` (a string where Trusted Types do not exist). Throws a `TypeError` for another
   * origin.
   */
  createScriptURL(url: string): string
}

/**
 * Creates Marco's named Trusted Types policy (`marco`, listed in the default CSP's `trusted-types`). It only
 * vouches for script URLs of the page's own origin over http(s) — never `blob:`, `data:` or another host —
 * and makes no HTML (that is `renderSanitizedHtml`'s job). Rejecting is the contract of a policy, so it throws
 * a `TypeError` for any other URL, and the browser refuses the sink. Without Trusted Types it checks the same
 * and returns the string.
 *
 * @example
 * const policy = createTrustedTypesPolicy()
 * const worker = new Worker(policy.createScriptURL('/workers/analytics.js'), { type: 'module' })
 */
export function createTrustedTypesPolicy(
  name = 'marco',
  scope: GlobalScope & { readonly trustedTypes?: TrustedTypesFactory } = globalScope,
): ScriptUrlPolicy {
  const here = scope.location?.href
  const check = (url: string): string => {
    const parsed = new URL(url, here)
    if (!here || parsed.origin !== new URL(here).origin || !/^https?:$/.test(parsed.protocol))
      throw new TypeError(`Trusted Types policy ${name}: ${url} is not a same-origin script URL`)
    return url
  }
  const made = policies.get(scope)
  const known = made?.get(name)
  if (known) return known
  const policy = scope.trustedTypes?.createPolicy(name, { createScriptURL: check })
  const result: ScriptUrlPolicy = {
    createScriptURL: (url) => (policy ? (policy.createScriptURL(url) as string) : check(url)),
  }
  if (made) made.set(name, result)
  else policies.set(scope, new Map([[name, result]]))
  return result
}

/**
 * The policies made per scope and name: a CSP without `'allow-duplicates'` (the package's own) refuses to create a
 * second policy of one name, so a second call hands back the first.
 */
const policies = new WeakMap<object, Map<string, ScriptUrlPolicy>>()

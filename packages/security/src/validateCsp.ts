import type { CspDirectives, CspFinding, CspSeverity } from './cspTypes'

// Sources that let an attacker who can upload or inject content run script.
const UNSAFE_SCRIPT_SOURCES = ["'unsafe-eval'", 'blob:', 'data:', '*', 'http:', 'filesystem:']

/**
 * Checks a policy against the strict-CSP rules this package generates by: script execution limited to nonces
 * (or hashes), no `unsafe-eval`, no `blob:` or `data:` scripts or workers, plugins and `<base>` off, framing
 * off, Trusted Types enforced, violations reported. Returns every finding, worst first.
 *
 * @example
 * validateCsp(parseCsp("script-src 'self' 'unsafe-eval'")).map((f) => f.severity) // ['high', 'high', …]
 */
export function validateCsp(directives: CspDirectives): CspFinding[] {
  const findings: CspFinding[] = []
  const add = (severity: CspSeverity, directive: string, message: string): void =>
    void findings.push({ severity, directive, message })
  const script = directives['script-src'] ?? directives['default-src']
  const scriptName = directives['script-src'] ? 'script-src' : 'default-src'
  // Keywords are case-insensitive in browsers ('UNSAFE-INLINE' is 'unsafe-inline').
  const lower = (list: readonly string[]) => list.map((source) => source.toLowerCase())
  /** The findings any list that decides over script has: sources that run injected code, inline without a nonce. */
  const checkScript = (name: string, list: readonly string[]): boolean => {
    const sources = lower(list)
    const pinned = sources.some((source) => /^'(nonce|sha(256|384|512))-/.test(source))
    for (const source of list)
      if (UNSAFE_SCRIPT_SOURCES.includes(source.toLowerCase())) add('high', name, `${source} lets injected code run`)
    if (sources.includes("'unsafe-inline'") && !pinned)
      add('high', name, "'unsafe-inline' without a nonce or hash allows inline script")
    return pinned
  }

  if (!script) add('high', 'script-src', 'no script-src or default-src: any script may run')
  else {
    const sources = lower(script)
    const nonces = script.filter((source) => /^'nonce-/i.test(source))
    if (!checkScript(scriptName, script))
      add('medium', scriptName, 'no nonce or hash: the policy relies on a host allow-list, which is usually bypassable')
    if (!sources.includes("'strict-dynamic'") && (sources.includes("'self'") || sources.includes('https:')))
      add('medium', scriptName, "host sources without 'strict-dynamic' allow JSONP and library gadgets")
    for (const nonce of nonces) {
      // 22 base64 characters carry 128 bits.
      if (nonce.length - "'nonce-'".length < 22) add('high', scriptName, `${nonce} is shorter than 128 bits`)
    }
  }
  // These override script-src for elements and for inline event handlers.
  for (const name of ['script-src-elem', 'script-src-attr']) {
    const list = directives[name]
    if (list) checkScript(name, list)
  }
  for (const name of ['worker-src', 'child-src']) {
    const list = directives[name]
    if (list?.some((source) => ['blob:', 'data:', '*'].includes(source.toLowerCase())))
      add('high', name, `${name} allows blob:, data: or * workers`)
  }
  if (directives['style-src']?.includes("'unsafe-eval'")) add('high', 'style-src', "'unsafe-eval' is never needed")
  const object = directives['object-src'] ?? directives['default-src']
  if (!object || object.join(' ') !== "'none'")
    add('high', 'object-src', "object-src should be 'none': plugins can run script")
  if (directives['base-uri']?.join(' ') !== "'none'" && directives['base-uri']?.join(' ') !== "'self'")
    add('high', 'base-uri', "base-uri should be 'none' or 'self': an injected <base> redirects relative script URLs")
  if (!directives['frame-ancestors'])
    add('medium', 'frame-ancestors', 'no frame-ancestors: the page can be framed (clickjacking)')
  if (!directives['require-trusted-types-for']?.includes("'script'"))
    add(
      'medium',
      'require-trusted-types-for',
      "require-trusted-types-for 'script' is missing: DOM XSS sinks accept strings",
    )
  if (!directives['report-uri'] && !directives['report-to'])
    add('low', 'report-uri', 'violations are not reported anywhere')
  const order: CspSeverity[] = ['high', 'medium', 'low']
  return findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity))
}

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

  if (!script) add('high', 'script-src', 'no script-src or default-src: any script may run')
  else {
    const nonces = script.filter((source) => /^'nonce-/i.test(source))
    const hashes = script.some((source) => /^'sha(256|384|512)-/i.test(source))
    const strictDynamic = script.includes("'strict-dynamic'")
    for (const source of script) {
      if (UNSAFE_SCRIPT_SOURCES.includes(source.toLowerCase()))
        add('high', scriptName, `${source} lets injected code run`)
    }
    if (script.includes("'unsafe-inline'") && !nonces.length && !hashes)
      add('high', scriptName, "'unsafe-inline' without a nonce or hash allows inline script")
    if (!nonces.length && !hashes)
      add('medium', scriptName, 'no nonce or hash: the policy relies on a host allow-list, which is usually bypassable')
    if (!strictDynamic && (script.includes("'self'") || script.includes('https:')))
      add('medium', scriptName, "host sources without 'strict-dynamic' allow JSONP and library gadgets")
    for (const nonce of nonces) {
      // 22 base64 characters carry 128 bits.
      if (nonce.length - "'nonce-'".length < 22) add('high', scriptName, `${nonce} is shorter than 128 bits`)
    }
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

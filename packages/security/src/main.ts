import { ContentSecurityPolicy } from './ContentSecurityPolicy'
import { CSP_NONCE_PLACEHOLDER, NGINX_NONCE_VARIABLE } from './nonceConstants'
import { securityHeaders, type SecurityHeadersOptions } from './securityHeaders'
import { toCloudflareHeaderMap } from './toCloudflareHeaderMap'
import { toNginxSnippet } from './toNginxSnippet'

/**
 * The CLI's help text.
 *
 * @example
 * main(['--help'], console.log) // prints CLI_USAGE
 */
export const CLI_USAGE = `Usage:
  marco-security headers [--format nginx|json|cloudflare|text] [options]   print the production header set
  marco-security validate "<policy>"                                       list a policy's weaknesses (exit 1 on high)

Options for headers:
  --nonce VALUE            the nonce in the CSP (default: $request_id for nginx, ${CSP_NONCE_PLACEHOLDER} otherwise)
  --collector URL          collector origin (connect-src)
  --signalling URL         signalling server, repeatable (connect-src)
  --connect-src SOURCE     extra connect-src source, repeatable
  --report-uri URL         where violation reports go (report-uri, report-to, Reporting-Endpoints)
  --allow FEATURE[=ORIGIN,...]  allow a Permissions-Policy feature (default self), repeatable
  --coep require-corp|credentialless|off
  --corp same-origin|same-site|cross-origin
  --report-only            send Content-Security-Policy-Report-Only
  --no-hsts                leave Strict-Transport-Security out
  --no-upgrade-insecure-requests
  --no-sub-filter          nginx: leave out the sub_filter lines that put the nonce into the HTML
`

type Options = { -readonly [K in keyof SecurityHeadersOptions]: SecurityHeadersOptions[K] }

/**
 * The `marco-security` command: writes the header set for nginx, Node (JSON), a Cloudflare Worker or plain
 * text, from the same `securityHeaders()` the code uses. Returns the exit code; never calls `process.exit`.
 *
 * @example
 * main(['headers', '--format', 'nginx', '--report-uri', 'https://collector.example.com/v1/csp'], (text) =>
 * process.stdout.write(text))
 */
export function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void = out): number {
  const [command, ...rest] = argv
  if (command === 'validate') {
    const [policy] = rest
    if (!policy) return usage(err)
    const findings = ContentSecurityPolicy.parse(policy).validate()
    for (const finding of findings) out(`${finding.severity}\t${finding.directive}\t${finding.message}\n`)
    if (!findings.length) out('no findings\n')
    return findings.some((finding) => finding.severity === 'high') ? 1 : 0
  }
  if (command !== 'headers')
    return usage(
      command === '--help' || command === 'help' ? out : err,
      command === '--help' || command === 'help' ? 0 : 2,
    )

  let format = 'json'
  let subFilter = true
  let nonce: string | undefined
  const options: Partial<Options> = {}
  const signalling: string[] = []
  const connectSrc: string[] = []
  const permissions: Record<string, string[]> = {}
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!
    const value = (): string => {
      const next = rest[++i]
      if (next === undefined) throw new Error(`${flag} needs a value`)
      return next
    }
    try {
      if (flag === '--format') format = value()
      else if (flag === '--nonce') nonce = value()
      else if (flag === '--collector') options.collector = value()
      else if (flag === '--signalling') signalling.push(value())
      else if (flag === '--connect-src') connectSrc.push(value())
      else if (flag === '--report-uri') options.reportUri = value()
      else if (flag === '--allow') {
        const [feature = '', origins] = value().split('=')
        permissions[feature] = origins ? origins.split(',') : ['self']
      } else if (flag === '--coep') {
        const coep = oneOf(value(), ['require-corp', 'credentialless', 'off'])
        options.crossOriginEmbedderPolicy = coep === 'off' ? false : (coep as 'require-corp')
      } else if (flag === '--corp')
        options.crossOriginResourcePolicy = oneOf(value(), [
          'same-origin',
          'same-site',
          'cross-origin',
        ]) as 'same-origin'
      else if (flag === '--report-only') options.reportOnly = true
      else if (flag === '--no-hsts') options.hsts = false
      else if (flag === '--no-upgrade-insecure-requests') options.upgradeInsecureRequests = false
      else if (flag === '--no-sub-filter') subFilter = false
      else throw new Error(`unknown option ${flag}`)
    } catch (error) {
      err(`marco-security: ${(error as Error).message}\n`)
      return usage(err)
    }
  }
  if (!['nginx', 'json', 'cloudflare', 'text'].includes(format)) {
    err(`marco-security: unknown format ${format}\n`)
    return usage(err)
  }
  let headers
  try {
    headers = securityHeaders({
      ...options,
      signalling,
      connectSrc,
      permissions,
      nonce: nonce ?? (format === 'nginx' ? NGINX_NONCE_VARIABLE : CSP_NONCE_PLACEHOLDER),
    })
  } catch (error) {
    err(`marco-security: ${(error as Error).message}\n`)
    return 2
  }
  if (format === 'nginx') {
    try {
      out(toNginxSnippet(headers, { subFilter, nonceVariable: nonce ?? NGINX_NONCE_VARIABLE }))
    } catch (error) {
      err(`marco-security: ${(error as Error).message}\n`)
      return 2
    }
  } else if (format === 'cloudflare') out(`${JSON.stringify(toCloudflareHeaderMap(headers), null, 2)}\n`)
  else if (format === 'text')
    out(
      Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\n`)
        .join(''),
    )
  else out(`${JSON.stringify(headers, null, 2)}\n`)
  return 0
}

/** `value` when it is one of `allowed`; else an error naming them (a header browsers would ignore is no header). */
function oneOf(value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) throw new Error(`${value} is not one of ${allowed.join(', ')}`)
  return value
}

function usage(write: (text: string) => void, code = 2): number {
  write(CLI_USAGE)
  return code
}

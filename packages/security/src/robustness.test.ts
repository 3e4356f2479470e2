// @vitest-environment node
// What the values given to the header builders and the CLI cannot do — add a CSP directive, split a response in the
// nginx snippet, slip an inline-script allowance past validate — and a custom policy
// with default-src only: each case was a defect, and each test fails without its fix.
import { describe, expect, it } from 'vitest'
import { ContentSecurityPolicy } from './ContentSecurityPolicy'
import { run } from './runCli.test-helper'
import { NGINX_NONCE_VARIABLE } from './nonceConstants'
import { parseCsp } from './parseCsp'
import { securityHeaders } from './securityHeaders'
import { toNginxSnippet } from './toNginxSnippet'

const NONCE = 'abcdefghijklmnopqrstuvwx'
const options = {
  signalling: ['wss://signal.example.com'],
  collector: 'https://collector.example.com',
  reportUri: 'https://collector.example.com/v1/csp',
}

/** Either a clear error, or a value; never an injected result. */
function attempt<T>(make: () => T): T | Error {
  try {
    return make()
  } catch (error) {
    return error as Error
  }
}

describe('validateCsp calls strict what a browser does not enforce strictly', () => {
  it('flags script-src-elem / script-src-attr that re-allow inline or any script (they override script-src)', () => {
    const strict = ContentSecurityPolicy.marco(options).withNonce(NONCE)
    expect(strict.validate()).toEqual([])
    // CSP3: inline handlers are checked against script-src-attr, <script> elements against script-src-elem,
    // falling back to script-src only when those are absent.
    const attr = strict.with('script-src-attr', ["'unsafe-inline'"])
    const elem = strict.with('script-src-elem', ['*', "'unsafe-inline'"])
    expect(attr.validate().filter((f) => f.severity === 'high')).not.toEqual([])
    expect(elem.validate().filter((f) => f.severity === 'high')).not.toEqual([])
    // The CLI's gate (exit 1 on a high finding) lets it through too.
    expect(run('validate', `${strict.toString()}; script-src-attr 'unsafe-inline'`).code).toBe(1)
  })

  it("flags 'UNSAFE-INLINE' without a nonce like 'unsafe-inline' (keywords are case-insensitive in browsers)", () => {
    const policy = "script-src 'UNSAFE-INLINE'; object-src 'none'; base-uri 'none'"
    expect(run('validate', policy.toLowerCase()).code).toBe(1)
    expect(run('validate', policy).code).toBe(1)
  })
})

describe('generated headers are injectable by the values they are given', () => {
  it('a connect-src / signalling / img-src source cannot add a directive to the CSP', () => {
    for (const extra of [
      { connectSrc: ["https://api.example.com; script-src-elem * 'unsafe-inline'"] },
      { imgSrc: ["https://img.example.com; script-src-elem * 'unsafe-inline'"] },
      { signalling: ["wss://signal.example.com; script-src-elem * 'unsafe-inline'"] },
    ]) {
      const result = attempt(() => securityHeaders({ ...options, ...extra, nonce: NONCE }))
      if (result instanceof Error) continue // a clear error is fine
      const directives = parseCsp(result['Content-Security-Policy']!)
      expect(directives).not.toHaveProperty('script-src-elem')
    }
    // Same through the CLI.
    const cli = run('headers', '--connect-src', "https://api.example.com; script-src-elem * 'unsafe-inline'")
    if (cli.code === 0) {
      const csp = (JSON.parse(cli.out) as Record<string, string>)['Content-Security-Policy']!
      expect(parseCsp(csp)).not.toHaveProperty('script-src-elem')
    }
  })

  it('the nginx snippet has one add_header line per header even when a value carries CR/LF', () => {
    // e.g. a report URI read from a CRLF .env file, or pasted with a line break.
    const result = attempt(() =>
      toNginxSnippet(
        securityHeaders({
          nonce: NGINX_NONCE_VARIABLE,
          reportUri: 'https://collector.example.com/v1/csp\r\nSet-Cookie: session=attacker',
        }),
      ),
    )
    if (result instanceof Error) return // a clear error is fine
    // nginx 1.22 sends a quoted value's raw line break as is: the response is split.
    expect(result).not.toMatch(/[\r\n]Set-Cookie/)
  })
})

describe('CLI', () => {
  it('refuses a --coep / --corp value it does not know instead of writing an invalid header', () => {
    // Browsers ignore an invalid COEP/CORP value: the page silently loses isolation / the resource protection.
    const coep = run('headers', '--coep', 'require_corp')
    expect(coep.code).toBe(2)
    const corp = run('headers', '--corp', 'same_origin')
    expect(corp.code).toBe(2)
  })
})

describe('securityHeaders with a custom csp', () => {
  it('still adds the nonce when the custom policy only has default-src ("the nonce is still added")', () => {
    const headers = securityHeaders({ nonce: NONCE, csp: ContentSecurityPolicy.parse("default-src 'self'") })
    expect(headers['Content-Security-Policy']).toContain(`'nonce-${NONCE}'`)
  })
})

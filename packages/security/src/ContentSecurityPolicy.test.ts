import { CspEvaluator } from 'csp_evaluator/dist/evaluator.js'
import { Severity } from 'csp_evaluator/dist/finding.js'
import { CspParser } from 'csp_evaluator/dist/parser.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ContentSecurityPolicy } from './ContentSecurityPolicy'
import { createNonce } from './createNonce'

const options = {
  signalling: ['wss://signal.example.com/rooms'],
  collector: 'https://collector.example.com/v1/batch',
  reportUri: 'https://collector.example.com/v1/csp',
}

const evaluate = (policy: string) => new CspEvaluator(new CspParser(policy).csp).evaluate()

describe('ContentSecurityPolicy', () => {
  it("has no high-severity finding in Google's csp_evaluator, nor any above informational", () => {
    const findings = evaluate(ContentSecurityPolicy.marco(options).withNonce().toString())
    expect(findings.filter((finding) => finding.severity === Severity.HIGH)).toEqual([])
    // Only the "ignored because of strict-dynamic / nonce" notes about the CSP1/CSP2 fallbacks remain.
    expect(findings.filter((finding) => finding.severity < Severity.INFO)).toEqual([])
  })

  it('is the strict policy the issue describes', () => {
    const { directives } = ContentSecurityPolicy.marco(options).withNonce('abcdefghijklmnopqrstuvwx')
    expect(directives['script-src']).toEqual([
      "'nonce-abcdefghijklmnopqrstuvwx'",
      "'strict-dynamic'",
      "'wasm-unsafe-eval'",
      'https:',
      "'unsafe-inline'",
    ])
    expect(directives['object-src']).toEqual(["'none'"])
    expect(directives['base-uri']).toEqual(["'none'"])
    expect(directives['frame-ancestors']).toEqual(["'none'"])
    expect(directives['worker-src']).toEqual(["'self'"])
    expect(directives['connect-src']).toEqual(["'self'", 'wss://signal.example.com', 'https://collector.example.com'])
    expect(directives['require-trusted-types-for']).toEqual(["'script'"])
    expect(directives['trusted-types']).toEqual(['marco', 'dompurify'])
    expect(directives['report-uri']).toEqual([options.reportUri])
    expect(directives['report-to']).toEqual(['csp-endpoint'])
    const text = ContentSecurityPolicy.marco(options).withNonce().toString()
    expect(text).not.toContain("'unsafe-eval'")
    expect(text).not.toMatch(/(script|worker|default)-src[^;]*blob:/)
  })

  it('finds the weaknesses of a weak policy', () => {
    const findings = ContentSecurityPolicy.parse(
      "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; worker-src blob:",
    ).validate()
    const high = findings.filter((finding) => finding.severity === 'high').map((finding) => finding.message)
    expect(high).toEqual(
      expect.arrayContaining([
        expect.stringContaining("'unsafe-eval'"),
        expect.stringContaining('blob:'),
        expect.stringContaining("'unsafe-inline' without a nonce"),
        expect.stringContaining('object-src'),
        expect.stringContaining('base-uri'),
        expect.stringContaining('worker-src'),
      ]),
    )
    expect(ContentSecurityPolicy.marco(options).withNonce().validate()).toEqual([])
    expect(ContentSecurityPolicy.marco(options).withNonce('short').validate()[0]?.message).toMatch(/128 bits/)
  })

  it('never makes the same nonce twice in 100,000, each at least 128 bits of base64', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 100_000; i++) seen.add(createNonce())
    expect(seen.size).toBe(100_000)
    for (const nonce of [...seen].slice(0, 1000)) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)
      expect(atob(nonce)).toHaveLength(18)
    }
  })

  it('gives each withNonce() call a new nonce and replaces the previous one', () => {
    const template = ContentSecurityPolicy.marco(options)
    const a = template.withNonce()
    const b = a.withNonce()
    expect(a.nonce).not.toBe(b.nonce)
    expect(b.directives['script-src']!.filter((source) => source.startsWith("'nonce-"))).toEqual([`'nonce-${b.nonce}'`])
    expect(template.nonce).toBeUndefined()
  })

  it('refuses a nonce that would inject into the header', () => {
    expect(() => ContentSecurityPolicy.marco().withNonce("x'; script-src *")).toThrow(TypeError)
  })

  it('round-trips parse(toString(policy)) for any policy', () => {
    const name = fc.stringMatching(/^[a-z][a-z-]{0,20}$/)
    const token = fc.stringMatching(/^[!-+\--:<-~]{1,30}$/) // printable, no ';' ',' or spaces
    fc.assert(
      fc.property(fc.dictionary(name, fc.array(token, { maxLength: 6 }), { maxKeys: 12 }), (directives) => {
        const policy = new ContentSecurityPolicy(directives)
        expect(ContentSecurityPolicy.parse(policy.toString()).directives).toEqual(directives)
      }),
      { numRuns: 500 },
    )
    const marco = ContentSecurityPolicy.marco(options).withNonce()
    const again = ContentSecurityPolicy.parse(marco.toString())
    expect(again.directives).toEqual(marco.directives)
    expect(again.nonce).toBe(marco.nonce)
  })

  it('parses like a browser: case-insensitive names, first duplicate wins, empty parts skipped', () => {
    expect(ContentSecurityPolicy.parse(" Script-Src 'self';; script-src *;  object-src\t'none' ").directives).toEqual({
      'script-src': ["'self'"],
      'object-src': ["'none'"],
    })
  })

  it('replaces and removes directives with with()', () => {
    const policy = ContentSecurityPolicy.marco()
      .with('img-src', ["'self'"])
      .with('upgrade-insecure-requests', undefined)
    expect(policy.directives['img-src']).toEqual(["'self'"])
    expect(policy.toString()).not.toContain('upgrade-insecure-requests')
  })
})

import { describe, expect, it } from 'vitest'
import { run } from './runCli.test-helper'

describe('marco-security CLI', () => {
  it('writes the nginx snippet with the nonce taken from $request_id', () => {
    const { code, out } = run(
      'headers',
      '--format',
      'nginx',
      '--report-uri',
      'https://c.example.com/v1/csp',
      '--signalling',
      'wss://s.example.com',
      '--allow',
      'microphone',
    )
    expect(code).toBe(0)
    expect(out).toMatch(
      /^add_header Content-Security-Policy ".*'nonce-\$request_id'.*connect-src 'self' wss:\/\/s\.example\.com.*" always;$/m,
    )
    expect(out).toContain(
      'add_header Permissions-Policy "camera=(), microphone=(self), geolocation=(), payment=(), usb=()" always;',
    )
    expect(out).toContain('add_header Reporting-Endpoints "csp-endpoint=\\"https://c.example.com/v1/csp\\"" always;')
    expect(out).toContain("sub_filter '__CSP_NONCE__' '$request_id';")
  })

  it('writes JSON with the placeholder nonce, a Cloudflare map and plain text', () => {
    const json = JSON.parse(run('headers', '--coep', 'off', '--no-hsts').out) as Record<string, string>
    expect(json['Content-Security-Policy']).toContain("'nonce-__CSP_NONCE__'")
    expect(json).not.toHaveProperty('Cross-Origin-Embedder-Policy')
    expect(json).not.toHaveProperty('Strict-Transport-Security')
    expect(JSON.parse(run('headers', '--format', 'cloudflare').out)).toHaveProperty('x-frame-options', 'DENY')
    expect(run('headers', '--format', 'text').out).toContain('X-Content-Type-Options: nosniff\n')
  })

  it('validates a policy and fails on high findings', () => {
    expect(run('validate', "script-src 'unsafe-eval'").code).toBe(1)
    const good = run('headers', '--report-uri', '/v1/csp')
    const policy = (JSON.parse(good.out) as Record<string, string>)['Content-Security-Policy']!.replace(
      '__CSP_NONCE__',
      'abcdefghijklmnopqrstuvwx',
    )
    expect(run('validate', policy)).toMatchObject({ code: 0, out: 'no findings\n' })
  })

  it('explains its usage on a mistake and never throws', () => {
    expect(run('headers', '--format', 'apache')).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown format apache'),
    })
    expect(run('headers', '--bogus')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --bogus') })
    expect(run('headers', '--nonce')).toMatchObject({ code: 2, err: expect.stringContaining('--nonce needs a value') })
    expect(run('headers', '--nonce', 'a"b')).toMatchObject({
      code: 2,
      err: expect.stringContaining('nonce must be base64'),
    })
    expect(run()).toMatchObject({ code: 2, err: expect.stringContaining('Usage') })
    expect(run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage') })
  })
})

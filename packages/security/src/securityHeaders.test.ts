import { describe, expect, it } from 'vitest'
import { CSP_NONCE_PLACEHOLDER, NGINX_NONCE_VARIABLE } from './nonceConstants'
import { securityHeaders } from './securityHeaders'
import { toCloudflareHeaderMap } from './toCloudflareHeaderMap'
import { toNginxSnippet } from './toNginxSnippet'

const options = { signalling: ['wss://signal.example.com'], reportUri: 'https://collector.example.com/v1/csp' }

/** Reads `add_header Name "value" always;` lines back, undoing nginx's quoting. */
function parseNginx(snippet: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const match of snippet.matchAll(/^add_header (\S+) "((?:[^"\\]|\\.)*)" always;$/gm))
    headers[match[1]!] = match[2]!.replace(/\\(.)/g, '$1')
  return headers
}

describe('securityHeaders', () => {
  it('carries the same headers in the nginx snippet as in the plain object', () => {
    const headers = securityHeaders({
      ...options,
      nonce: NGINX_NONCE_VARIABLE,
      permissions: { microphone: ['self', 'https://voice.example.com'] },
    })
    const snippet = toNginxSnippet(headers)
    expect(parseNginx(snippet)).toEqual(headers)
    expect(snippet.split('\n').filter((line) => line.startsWith('add_header'))).toHaveLength(
      Object.keys(headers).length,
    )
    expect(snippet).toContain(`sub_filter '${CSP_NONCE_PLACEHOLDER}' '$request_id';`)
    expect(snippet).toContain("'nonce-$request_id'")
  })

  it('is the production header set', () => {
    const headers = securityHeaders({ ...options, nonce: 'abcdefghijklmnopqrstuvwx' })
    expect(headers).toMatchObject({
      'Strict-Transport-Security': 'max-age=63072000; includeSubDomains; preload',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Reporting-Endpoints': 'csp-endpoint="https://collector.example.com/v1/csp"',
    })
    expect(headers['Content-Security-Policy']).toContain("script-src 'nonce-abcdefghijklmnopqrstuvwx' 'strict-dynamic'")
  })

  it('lets the app allow the microphone, switch COEP and HSTS off, and trial a report-only policy', () => {
    const headers = securityHeaders({
      nonce: 'abcdefghijklmnopqrstuvwx',
      permissions: { microphone: ['self'] },
      crossOriginEmbedderPolicy: false,
      hsts: false,
      reportOnly: true,
    })
    expect(headers['Permissions-Policy']).toContain('microphone=(self)')
    expect(headers['Permissions-Policy']).toContain('camera=()')
    expect(headers).not.toHaveProperty('Cross-Origin-Embedder-Policy')
    expect(headers).not.toHaveProperty('Strict-Transport-Security')
    expect(headers).not.toHaveProperty('Content-Security-Policy')
    expect(headers['Content-Security-Policy-Report-Only']).toBeTruthy()
    expect(
      securityHeaders({ nonce: 'abcdefghijklmnopqrstuvwx', crossOriginEmbedderPolicy: 'credentialless' })[
        'Cross-Origin-Embedder-Policy'
      ],
    ).toBe('credentialless')
  })

  it('renders a Cloudflare Worker map with the same values and the banners to strip', () => {
    const headers = securityHeaders({ ...options, nonce: 'abcdefghijklmnopqrstuvwx' })
    const map = toCloudflareHeaderMap(headers)
    for (const [name, value] of Object.entries(headers)) expect(map[name.toLowerCase()]).toBe(value)
    expect(map['x-powered-by']).toBeNull()
    // Usable as it is by a worker's Headers.
    const response = new Headers()
    for (const [name, value] of Object.entries(map)) if (value !== null) response.set(name, value)
    expect(response.get('content-security-policy')).toBe(headers['Content-Security-Policy'])
  })

  it('can leave the sub_filter lines out', () => {
    expect(toNginxSnippet(securityHeaders({ nonce: NGINX_NONCE_VARIABLE }), { subFilter: false })).not.toContain(
      'sub_filter',
    )
  })
})

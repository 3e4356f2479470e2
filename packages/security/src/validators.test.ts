import { createFakeScope, createMemoryStorage } from '@marco/testing'
import { createMonitor } from '@marco/core'
import { describe, expect, it, vi } from 'vitest'
import { createTrustedTypesPolicy } from './createTrustedTypesPolicy'
import { CsrfToken } from './CsrfToken'
import { escapeHtml } from './escapeHtml'
import { isSafeUrl } from './isSafeUrl'
import { matchesCsrfToken } from './matchesCsrfToken'
import { startCspReporting } from './startCspReporting'

// jsdom ships no types here: this is the part the test uses.
interface JsdomOptions {
  url?: string
  runScripts?: 'dangerously'
  beforeParse?(window: Window): void
}
const { JSDOM } = (await import('jsdom' as string)) as {
  JSDOM: new (html?: string, options?: JsdomOptions) => { window: Window & typeof globalThis }
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })
})

describe('isSafeUrl', () => {
  it.each([
    'https://example.com/a?b#c',
    'http://example.com',
    '/relative/path',
    'relative',
    '#anchor',
    'mailto:a@example.com',
    'tel:+15551234',
    'data:image/png;base64,iVBORw0KGgo=',
    'data:image/jpeg;base64,/9j/4AAQ',
    'DATA:IMAGE/WEBP;base64,UklGR',
  ])('allows %s', (url) => expect(isSafeUrl(url)).toBe(true))

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    '  javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\x00javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml,<svg onload=alert(1)>',
    'data:,alert(1)',
    'blob:https://example.com/uuid',
    'file:///etc/passwd',
    'https://[bad',
  ])('refuses %j', (url) => expect(isSafeUrl(url)).toBe(false))
})

describe('CsrfToken', () => {
  it('puts one random token in a SameSite cookie, the header and the form, which the server check accepts', () => {
    const { window } = new JSDOM('<!doctype html><form id=f method=post></form>', { url: 'https://app.example.com/' })
    const csrf = new CsrfToken({ scope: { document: window.document, crypto: globalThis.crypto } })
    const token = csrf.value()
    expect(token).toMatch(/^[\w-]{43}$/)
    expect(window.document.cookie).toBe(`__Host-csrf=${token}`)
    expect(csrf.value()).toBe(token)
    expect(csrf.headers()).toEqual({ 'x-csrf-token': token })
    const form = window.document.getElementById('f') as unknown as HTMLFormElement
    csrf.protect(form)
    csrf.protect(form)
    const fields = form.querySelectorAll('input[name=_csrf]')
    expect(fields).toHaveLength(1)
    expect((fields[0] as HTMLInputElement).value).toBe(token)
    expect(matchesCsrfToken(token, token)).toBe(true)
  })

  it('refuses missing, short or different tokens on the server', () => {
    const token = 'a'.repeat(43)
    expect(matchesCsrfToken(token, `${'a'.repeat(42)}b`)).toBe(false)
    expect(matchesCsrfToken(token, undefined)).toBe(false)
    expect(matchesCsrfToken(undefined, token)).toBe(false)
    expect(matchesCsrfToken('short', 'short')).toBe(false)
    expect(matchesCsrfToken(token, token.slice(1))).toBe(false)
  })

  it('does nothing without a document', () => {
    expect(new CsrfToken({ scope: {} }).value()).toBe('')
  })
})

describe('startCspReporting', () => {
  const violation = {
    effectiveDirective: 'script-src-elem',
    violatedDirective: 'script-src-elem',
    blockedURI: 'inline',
    documentURI: 'https://app.example.com/',
    sourceFile: 'https://app.example.com/',
    lineNumber: 12,
    columnNumber: 3,
    sample: 'window.injected = true',
    disposition: 'enforce',
  }

  it('hands each distinct violation to the callback until stopped', () => {
    const scope = createFakeScope()
    const seen: unknown[] = []
    const stop = startCspReporting((v) => seen.push(v), { scope })
    scope.dispatch('securitypolicyviolation', violation)
    scope.dispatch('securitypolicyviolation', violation)
    scope.dispatch('securitypolicyviolation', { ...violation, lineNumber: 13 })
    expect(seen).toEqual([
      {
        directive: 'script-src-elem',
        blockedUri: 'inline',
        documentUri: 'https://app.example.com/',
        sourceFile: 'https://app.example.com/',
        line: 12,
        column: 3,
        sample: 'window.injected = true',
        disposition: 'enforce',
      },
      expect.objectContaining({ line: 13 }),
    ])
    stop()
    stop()
    expect(scope.listenerCount('securitypolicyviolation')).toBe(0)
  })

  it('reports a throwing callback to the monitor instead of the page', () => {
    const scope = createFakeScope()
    const onError = vi.fn()
    startCspReporting(
      () => {
        throw new Error('callback bug')
      },
      { scope, monitor: createMonitor({ onError }) },
    )
    expect(() => scope.dispatch('securitypolicyviolation', violation)).not.toThrow()
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'callback bug' }))
  })

  it('is a no-op where there is no event target', () => {
    expect(() => startCspReporting(() => {}, { scope: {} })()).not.toThrow()
  })
})

describe('createTrustedTypesPolicy', () => {
  it('vouches only for same-origin http(s) script URLs', () => {
    const created: { name: string; createScriptURL(url: string): string }[] = []
    const scope = {
      location: new URL('https://app.example.com/canvas') as unknown as Location,
      localStorage: createMemoryStorage(),
      trustedTypes: {
        createPolicy: (name: string, rules: { createScriptURL?: (url: string) => string }) => {
          const policy = { name, createScriptURL: (url: string) => `trusted:${rules.createScriptURL!(url)}` }
          created.push(policy)
          return policy
        },
      },
    }
    const policy = createTrustedTypesPolicy('marco', scope)
    expect(created.map((p) => p.name)).toEqual(['marco'])
    expect(policy.createScriptURL('/workers/analytics.js')).toBe('trusted:/workers/analytics.js')
    expect(() => policy.createScriptURL('https://cdn.evil.example/x.js')).toThrow(TypeError)
    expect(() => policy.createScriptURL('blob:https://app.example.com/1234')).toThrow(TypeError)
    expect(() => policy.createScriptURL('data:text/javascript,alert(1)')).toThrow(TypeError)
    expect(createTrustedTypesPolicy('marco', { location: scope.location }).createScriptURL('/w.js')).toBe('/w.js')
  })
})

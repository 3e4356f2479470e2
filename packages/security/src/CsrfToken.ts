import { globalScope, type GlobalScope } from '@marco/core'
import { encodeBase64Url } from './encodeBase64Url'

export interface CsrfTokenOptions {
  /** Default `__Host-csrf` (the prefix makes browsers refuse it unless Secure, host-only, `Path=/`). */
  readonly cookieName?: string
  /** The request header the token travels in. Default `x-csrf-token`. */
  readonly headerName?: string
  /** The hidden form field it travels in. Default `_csrf`. */
  readonly fieldName?: string
  readonly scope?: GlobalScope
}

/**
 * The double-submit CSRF defence: a random token in a cookie (`SameSite=Strict; Secure`) that the page also
 * sends in a header or form field; the server accepts a state-changing request only when the two match
 * (`matchesCsrfToken`, on the server). Another site can make the browser send the cookie but cannot read it, so it
 * cannot
 * send the matching header.
 *
 * @example
 * const csrf = new CsrfToken()
 * fetch('/api/rooms', { method: 'POST', headers: { ...csrf.headers(), 'content-type': 'application/json' }, body })
 * csrf.protect(document.querySelector('form')!)
 * // server:
 * if (!matchesCsrfToken(cookies['__Host-csrf'], req.headers['x-csrf-token'])) return res.writeHead(403).end()
 */
export class CsrfToken {
  private readonly _options: CsrfTokenOptions

  constructor(options: CsrfTokenOptions = {}) {
    this._options = options
  }

  /**
   * The current token, from the cookie, or a new 256-bit one written to it. `''` without a document.
   *
   * @example
   * csrf.value() // 'mX3…'
   */
  value(): string {
    const { document, crypto } = this._options.scope ?? globalScope
    if (!document) return ''
    const prefix = `${this._options.cookieName ?? '__Host-csrf'}=`
    const found = document.cookie.split('; ').find((cookie) => cookie.startsWith(prefix))
    if (found) return found.slice(prefix.length)
    const token = encodeBase64Url(crypto!.getRandomValues(new Uint8Array(32)))
    document.cookie = `${prefix}${token}; Path=/; Secure; SameSite=Strict`
    return token
  }

  /**
   * The header to add to a state-changing `fetch`.
   *
   * @example
   * fetch(url, { method: 'POST', headers: csrf.headers() })
   */
  headers(): Record<string, string> {
    return { [this._options.headerName ?? 'x-csrf-token']: this.value() }
  }

  /**
   * Adds (or updates) the hidden token field in a form.
   *
   * @example
   * csrf.protect(form)
   */
  protect(form: HTMLFormElement): void {
    const name = this._options.fieldName ?? '_csrf'
    let input = form.elements.namedItem(name) as HTMLInputElement | null
    if (!input) {
      input = form.ownerDocument.createElement('input')
      input.type = 'hidden'
      input.name = name
      form.append(input)
    }
    input.value = this.value()
  }
}

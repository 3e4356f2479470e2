/**
 * Whether `url`, as a browser resolves it on a page of `origin`, is an `http(s)` URL of that same origin: the
 * check for a redirect target (`?next=` after login), a link that must stay in the app, or a URL handed to
 * `fetch` with credentials. Parsed the way browsers parse it, so protocol-relative (`//evil.com`), backslash
 * (`/\evil.com`, `\\evil.com`), tab and newline (`/\t/evil.com`), user-info (`https://app.example@evil.com`) and
 * percent-encoded host forms all count as the other origin they lead to. `javascript:`, `data:`, `blob:` and
 * other non-http URLs, and values that are not strings, are refused. Use the URL as the browser resolves it (`new
 * URL(url, origin).href`), never a
 * piece of it: the path of `/.//evil.com` is `//evil.com`, which on its own is another site. Never throws.
 *
 * `isSafeUrl` answers a different question (can this URL run script?); a link may pass it and fail this.
 *
 * @example
 * isSameOriginUrl('/canvas?room=1', location.origin) // true
 * isSameOriginUrl('//evil.com', 'https://app.example') // false
 * isSameOriginUrl('/\\evil.com', 'https://app.example') // false: browsers read \ as /
 * if (!isSameOriginUrl(next, location.origin)) next = '/'
 */
export function isSameOriginUrl(url: string, origin: string): boolean {
  // A value that is not a string is not a URL here, even when it would stringify into a relative path.
  if (typeof url !== 'string') return false
  try {
    const base = new URL(origin)
    const parsed = new URL(url, base)
    return /^https?:$/.test(parsed.protocol) && parsed.origin === base.origin
  } catch {
    return false
  }
}

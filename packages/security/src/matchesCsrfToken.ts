/**
 * The server half of the double-submit CSRF check (see `CsrfToken`): the cookie and the submitted token are
 * both present, at least 128 bits long and equal, compared in constant time.
 *
 * @example
 * if (!matchesCsrfToken(cookies['__Host-csrf'], req.headers['x-csrf-token'])) return res.writeHead(403).end()
 */
export function matchesCsrfToken(cookie: unknown, submitted: unknown): boolean {
  if (
    typeof cookie !== 'string' ||
    typeof submitted !== 'string' ||
    cookie.length < 22 ||
    cookie.length !== submitted.length
  )
    return false
  let difference = 0
  for (let i = 0; i < cookie.length; i++) difference |= cookie.charCodeAt(i) ^ submitted.charCodeAt(i)
  return difference === 0
}

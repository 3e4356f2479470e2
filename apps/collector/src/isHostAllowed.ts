/**
 * Whether a request's `Host` header names this collector: its host name (port and a trailing dot dropped,
 * case ignored) must be in `allowed` (`*` allows any). A page that rebinds its own DNS name to 127.0.0.1 sends
 * its own name here, so this is what keeps a web page from reading a local collector (DNS rebinding).
 *
 * @example
 * isHostAllowed('localhost:4318', ['localhost', '127.0.0.1']) // true
 * isHostAllowed('attacker.example:4318', ['localhost', '127.0.0.1']) // false
 */
export function isHostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true
  if (!host) return false
  const name = hostName(host)
  return allowed.some((entry) => hostName(entry) === name)
}

/** `[::1]:4318` → `[::1]`, `Example.COM.:80` → `example.com`, `::1` → `[::1]`. */
export function hostName(host: string): string {
  let name = host.trim().toLowerCase()
  if (name.startsWith('[')) name = name.slice(0, name.indexOf(']') + 1)
  else if (name.split(':').length > 2) name = `[${name}]`
  else name = name.split(':')[0]!
  return name.endsWith('.') ? name.slice(0, -1) : name
}

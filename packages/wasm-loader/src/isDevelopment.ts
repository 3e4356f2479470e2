/**
 * Whether this is a development build: `process.env.NODE_ENV` is not `'production'`. Bundlers replace that
 * expression (esbuild `define`, Vite, webpack), so production builds drop the checks it guards; where
 * nothing replaces it and there is no `process` (a plain browser), it is `false`.
 *
 * @example
 * const debug = options.debug ?? isDevelopment()
 */
export function isDevelopment(): boolean {
  try {
    return process.env.NODE_ENV !== 'production'
  } catch {
    return false
  }
}

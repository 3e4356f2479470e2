import { main } from './main'

/**
 * Runs the `marco-security` CLI in-process, as `node main.js ...argv` would, and collects what it writes.
 *
 * @example
 * expect(run('validate', "object-src 'none'").code).toBe(1)
 */
export function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = ''
  let err = ''
  const code = main(
    argv,
    (text) => void (out += text),
    (text) => void (err += text),
  )
  return { code, out, err }
}

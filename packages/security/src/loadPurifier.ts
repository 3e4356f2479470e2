// DOMPurify is imported dynamically so it becomes its own chunk, loaded only when HTML is first sanitized.

let shared: Promise<{ default: unknown }> | undefined
/**
 * One instance per window: each instance creates its `dompurify` Trusted Types policy, and a CSP without
 * `'allow-duplicates'` (the package's own) refuses a second one — every render after the first would throw.
 */
const perWindow = new WeakMap<Window, Purifier>()

/** The part of DOMPurify this package calls. */
export interface Purifier {
  readonly isSupported: boolean
  sanitize(html: string, config: object): unknown
}

/**
 * The DOMPurify instance for a window (the default one, cached, when none is given).
 *
 * @example
 * const purifier = await loadPurifier()
 */
export async function loadPurifier(window?: Window): Promise<Purifier> {
  const module = await (shared ??= import('dompurify'))
  const factory = module.default as Purifier & ((window: Window) => Purifier)
  if (!window) return factory
  let purifier = perWindow.get(window)
  if (!purifier) perWindow.set(window, (purifier = factory(window)))
  return purifier
}

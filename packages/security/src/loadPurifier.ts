// DOMPurify is imported dynamically so it becomes its own chunk, loaded only when HTML is first sanitized.

let shared: Promise<{ default: unknown }> | undefined

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
  return window ? factory(window) : factory
}

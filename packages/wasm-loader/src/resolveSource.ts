import type { LoadState } from './loadState'
import type { WasmSource } from './types'

/**
 * Turns what `load()` was given into the URL to fetch (the best variant's, with `variants`), the `Response` to
 * read or the bytes to compile, and names the URL in the profile.
 *
 * @example
 * resolveSource(state, '/wasm/') // with variants: state._url is the chosen file's URL
 */
export function resolveSource(state: LoadState, source: WasmSource): void {
  const { _options: options, _profile: profile } = state
  const { variants } = options
  if (variants) {
    const features = state._env._features()
    const variant = (profile.variant =
      (['threads', 'simd'] as const).find((name) => variants[name] && features[name]) ?? 'baseline')
    state._url = new URL(variants[variant]!, new URL(source as string, state._env._scope.location?.href)).href
  } else if (source instanceof Response) state._response = source
  // A string or a URL; the others have a byteLength.
  else if ((source as ArrayBuffer).byteLength == null) state._url = String(source)
  // A view's own window of its buffer; an ArrayBuffer (no `buffer`, no `byteOffset`) whole.
  else
    state._bytes = new Uint8Array(
      (source as Uint8Array<ArrayBuffer>).buffer ?? source,
      (source as Uint8Array).byteOffset,
      (source as ArrayBuffer).byteLength,
    )
  profile.url = state._url || state._response?.url || undefined
}

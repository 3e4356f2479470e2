import type { GlobalScope, JsonValue } from '@marco/core'

/** The smallest module using a SIMD instruction (as wasm-feature-detect checks it). */
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]

/**
 * The environment for a bug report: browser and OS (User-Agent Client Hints, else the user agent), viewport,
 * device memory, cross-origin isolation, and the WebAssembly features that matter to the Marco core (SIMD,
 * threads, exception handling, JSPI). Reads globals only when called; what is missing is left out.
 *
 * @example
 * collectEnvironment(globalScope) // { browser: 'Chrome/131', os: 'Linux', viewport: '1280x720@1', … }
 */
export function collectEnvironment(scope: GlobalScope): Record<string, JsonValue> {
  const global = scope as Record<string, any>
  const nav = global.navigator ?? {}
  const hints = nav.userAgentData
  const ua: string = nav.userAgent ?? ''
  const wasm = global.WebAssembly
  return JSON.parse(
    JSON.stringify({
      browser:
        hints?.brands
          .map((brand: { brand: string; version: string }) => `${brand.brand}/${brand.version}`)
          .join(', ') || /(Edg|OPR|Firefox|Chrome|Version)\/\d+/.exec(ua)?.[0].replace('Version', 'Safari'),
      os: hints?.platform || /Windows|Android|iPhone|iPad|Mac OS X|CrOS|Linux/.exec(ua)?.[0],
      userAgent: ua,
      language: nav.language,
      viewport: global.innerWidth && `${global.innerWidth}x${global.innerHeight}@${global.devicePixelRatio}`,
      deviceMemoryGb: nav.deviceMemory,
      cores: nav.hardwareConcurrency,
      crossOriginIsolated: global.crossOriginIsolated,
      wasm: wasm && {
        simd: wasm.validate(new Uint8Array(SIMD_PROBE)),
        threads: typeof SharedArrayBuffer === 'function' && global.crossOriginIsolated,
        exceptions: !!wasm.Tag,
        jspi: !!wasm.Suspending,
      },
    }),
  )
}

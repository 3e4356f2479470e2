import type { WasmScope } from './types'

/** What this engine's WebAssembly can do. `threads` also needs `SharedArrayBuffer` and cross-origin isolation. */
export interface WasmFeatures {
  readonly simd: boolean
  readonly threads: boolean
  readonly bulkMemory: boolean
  readonly exceptions: boolean
  readonly referenceTypes: boolean
  readonly multiValue: boolean
  readonly tailCall: boolean
  readonly memory64: boolean
  readonly gc: boolean
}

// The smallest module that needs each feature, without its 8-byte header, in hex (the probes of
// GoogleChromeLabs/wasm-feature-detect; each checked to fail `wasm-validate` with its feature disabled).
const PROBES: Record<keyof WasmFeatures, string> = {
  simd: '0105016000017b030201000a0a0108004100fd0ffd620b',
  threads: '010401600000030201000504010301010a0b0109004100fe1002001a0b',
  bulkMemory: '0104016000000302010005030100010a0e010c00410041004100fc0a00000b',
  exceptions: '010401600000030201000a080106000640190b0b',
  referenceTypes: '010401600000030201000a07010500d0701a0b',
  multiValue: '0106016000027f7f030201000a08010600410041000b',
  tailCall: '010401600000030201000a0601040012000b',
  memory64: '0503010401',
  gc: '0105015f017800',
}

/**
 * Detects the engine's WebAssembly features, each by `WebAssembly.validate` of a tiny hand-assembled module
 * (a few microseconds in all; `WasmLoader` keeps the result). All `false` where WebAssembly is missing.
 *
 * @example
 * detectWasmFeatures(globalScope).simd // true in every current browser
 */
export function detectWasmFeatures(scope: WasmScope): WasmFeatures {
  const features = {} as Record<keyof WasmFeatures, boolean>
  let key: keyof WasmFeatures
  for (key in PROBES) {
    const bytes = `0061736d01000000${PROBES[key]}`.match(/../g)!.map((byte) => parseInt(byte, 16))
    features[key] = !!scope.WebAssembly?.validate(new Uint8Array(bytes))
  }
  // Shared memory cannot be created (nor threads started) without cross-origin isolation.
  features.threads &&= typeof scope.SharedArrayBuffer === 'function' && !!scope.crossOriginIsolated
  return features
}

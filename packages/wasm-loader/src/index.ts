export { WasmLoader } from './WasmLoader'
export type { WasmLoaderOptions } from './WasmLoader'
export { MemoryPool } from './MemoryPool'
export type { MemoryPoolOptions, MemoryStats, TypedArray, TypedArrayConstructor } from './MemoryPool'
export { WasmLoadError, WasmNetworkError, WasmIntegrityError, WasmCompileError, WasmLinkError } from './WasmLoadError'
export type { WasmFeatures } from './detectWasmFeatures'
export type {
  LoadedModule,
  WasmCacheOptions,
  WasmLoaderStats,
  WasmLoadOptions,
  WasmLoadPhase,
  WasmLoadProfile,
  WasmProgress,
  WasmScope,
  WasmSource,
  WasmVariants,
} from './types'

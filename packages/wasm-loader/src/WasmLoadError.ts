import type { WasmLoadPhase } from './types'

/**
 * Why `WasmLoader.load()` rejected: the base of every load error, naming the phase that failed. The message
 * ends with the underlying error (`cause`) and the URL.
 *
 * @example
 * try {
 *   await loader.load('/core.wasm')
 * } catch (error) {
 *   if (error instanceof WasmLoadError) console.warn(error.phase, error.message)
 * }
 */
export class WasmLoadError extends Error {
  declare readonly phase: WasmLoadPhase
  declare readonly url: string | undefined

  constructor(phase: WasmLoadPhase, message: string, url?: string, cause?: unknown) {
    super(`${message}${cause ? `: ${cause}` : ''}${url ? ` (${url})` : ''}`, { cause })
    this.name = 'WasmLoadError'
    this.phase = phase
    this.url = url
  }
}

/**
 * The module could not be fetched: a non-OK status (`status`), a network error or a time-out (`status` 0).
 *
 * @example
 * if (error instanceof WasmNetworkError && error.status === 404) showUpdatePrompt()
 */
export class WasmNetworkError extends WasmLoadError {
  declare readonly status: number

  constructor(status: number, message: string, url?: string, cause?: unknown) {
    super('fetch', message, url, cause)
    this.name = 'WasmNetworkError'
    this.status = status
  }
}

/**
 * The bytes do not match the `integrity` given: nothing was compiled or cached.
 *
 * @example
 * if (error instanceof WasmIntegrityError) report(`expected ${error.expected}, got ${error.actual}`)
 */
export class WasmIntegrityError extends WasmLoadError {
  declare readonly expected: string
  /** The digest of the bytes, in the strongest algorithm of `expected`; empty when it could not be computed. */
  declare readonly actual: string

  constructor(expected: string, actual: string, url?: string) {
    super('verify', `integrity: expected ${expected}, got ${actual || 'no digest'}`, url)
    this.name = 'WasmIntegrityError'
    this.expected = expected
    this.actual = actual
  }
}

/**
 * The bytes did not compile (`WebAssembly.CompileError`, also what a CSP without `'wasm-unsafe-eval'` throws).
 * `firstBytes` (hex) and `size` show what arrived instead of a module: `3c21646f…` (`<!do…`) is an HTML page,
 * such as a 404 or an app's fallback page served as the `.wasm`.
 *
 * @example
 * if (error instanceof WasmCompileError) console.warn(error.firstBytes, error.size)
 */
export class WasmCompileError extends WasmLoadError {
  declare readonly firstBytes: string
  declare readonly size: number

  constructor(bytes: Uint8Array, url?: string, cause?: unknown) {
    const firstBytes = [...bytes.subarray(0, 8)].map((byte) => (byte + 256).toString(16).slice(1)).join('')
    super('compile', `${bytes.length} bytes, starting ${firstBytes}`, url, cause)
    this.name = 'WasmCompileError'
    this.firstBytes = firstBytes
    this.size = bytes.length
  }
}

/**
 * Instantiation failed because an import is missing or of the wrong kind (`WebAssembly.LinkError`, or the
 * `TypeError` engines throw for a missing import object); `module` and `importName` name it when known.
 *
 * @example
 * if (error instanceof WasmLinkError) console.warn(`provide imports.${error.module}.${error.importName}`)
 */
export class WasmLinkError extends WasmLoadError {
  declare readonly module: string | undefined
  declare readonly importName: string | undefined

  constructor(module: string | undefined, importName: string | undefined, url?: string, cause?: unknown) {
    super('instantiate', module ? `missing import "${module}"."${importName}"` : 'cannot link', url, cause)
    this.name = 'WasmLinkError'
    this.module = module
    this.importName = importName
  }
}

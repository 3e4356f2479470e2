import { WasmLinkError } from './WasmLoadError'

/**
 * Instantiates a compiled module. Rejects with a `WasmLinkError` naming the first import that is missing
 * (or not a function where one is wanted) when linking fails; any other failure, such as a trapping start
 * function, rejects as it is.
 *
 * @example
 * const instance = await instantiateModule(module, { env: { log } }, '/core.wasm')
 */
export function instantiateModule(
  module: WebAssembly.Module,
  imports: WebAssembly.Imports,
  url: string | undefined,
): Promise<WebAssembly.Instance> {
  return WebAssembly.instantiate(module, imports).catch((error: unknown) => {
    // A missing import is named whatever the engine threw (a TypeError when a whole import object is
    // missing).
    const missing = WebAssembly.Module.imports(module).find(({ module, name, kind }) => {
      const value = (imports[module] as Record<string, unknown> | undefined)?.[name]
      return kind === 'function' ? typeof value !== 'function' : value === undefined
    })
    throw missing || error instanceof WebAssembly.LinkError
      ? new WasmLinkError(missing?.module, missing?.name, url, error)
      : error
  })
}

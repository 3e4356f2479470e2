import { fetchWasm } from './fetchWasm'
import { now } from './now'
import type {
  LoadedModule,
  LoadEnv,
  WasmCacheOptions,
  WasmLoadOptions,
  WasmLoadPhase,
  WasmLoadProfile,
  WasmSource,
} from './types'
import { verifyIntegrity } from './verifyIntegrity'
import { WasmCompileError, WasmLinkError, WasmLoadError, WasmNetworkError } from './WasmLoadError'
import { withProgress } from './withProgress'

const noop = () => {}

/**
 * One load, step by step: pick the variant; with integrity, try the Cache API first; fetch with time-out and
 * retries; without integrity, try the Cache API under the response's ETag; stream-compile an OK
 * `application/wasm` response, else read the bytes, verify their integrity and compile them; store what
 * compiled; instantiate. Rejects with a `WasmLoadError` subclass naming the failed phase (or the signal's
 * reason when aborted); hands every load's profile to `env._emit` and the performance timeline.
 *
 * @example
 * const { instance, profile } = await loadWasm(env, '/core.wasm', { env: { log } }, { integrity })
 */
export async function loadWasm(
  env: LoadEnv,
  source: WasmSource,
  imports: WebAssembly.Imports,
  options: WasmLoadOptions,
): Promise<LoadedModule> {
  const { _scope: scope, _monitor: monitor } = env
  const { signal, variants } = options
  const start = now(scope)
  let mark = start
  let phase: WasmLoadPhase = 'fetch'
  const profile = {
    ok: false,
    cacheHit: false,
    streaming: false,
    mimeFallback: false,
    fetchMs: 0,
    verifyMs: 0,
    compileMs: 0,
    instantiateMs: 0,
  } as {
    -readonly [K in keyof WasmLoadProfile]: WasmLoadProfile[K]
  }
  /** Ends the current phase (its time goes to the profile and the performance timeline) and starts `next`. */
  const step = (next: WasmLoadPhase) => {
    const from = mark
    profile[`${phase}Ms`] += (mark = now(scope)) - from
    // User Timing level 3 (start and end); an engine without it throws, and the profile still has the numbers.
    monitor.call(() => scope.performance?.measure(`marco-wasm:${phase}`, { start: from, end: mark }))
    phase = next
  }
  const { integrity } = options
  let url: string | undefined
  let response: Response | undefined
  let bytes: Uint8Array<ArrayBuffer> | undefined
  let module: WebAssembly.Module | undefined
  let cache: Cache | undefined
  let key: URL
  let done = noop

  const compile = async (data: Uint8Array<ArrayBuffer>) => {
    bytes = data
    if (integrity) {
      step('verify')
      await verifyIntegrity(data, integrity, scope, profile.url)
    }
    step('compile')
    module = await WebAssembly.compile(data)
  }

  // A stored copy counts only once it verifies and compiles. A miss, a missing or broken Cache API and a
  // corrupt entry all end in the catch and go on to the network, whose bytes then replace the entry.
  const fromCache = async (version: string | null | undefined) => {
    if (!version || options.cache === false) return
    try {
      key = new URL(url!, scope.location?.href)
      key.searchParams.set('marco-wasm', version)
      cache = await scope.caches!.open((options.cache as WasmCacheOptions | undefined)?.name || 'marco-wasm')
      await env._writes
      await compile(new Uint8Array(await (await cache.match(key))!.arrayBuffer()))
      profile.cacheHit = true
    } catch {
      phase = 'fetch'
      bytes = undefined
    }
  }

  try {
    if (variants) {
      const features = env._features()
      const variant = (profile.variant =
        (['threads', 'simd'] as const).find((name) => variants[name] && features[name]) ?? 'baseline')
      url = new URL(variants[variant]!, new URL(source as string, scope.location?.href)).href
    } else if (source instanceof Response) response = source
    // A string or a URL; the others have a byteLength.
    else if ((source as ArrayBuffer).byteLength == null) url = String(source)
    // A view's own window of its buffer; an ArrayBuffer (no `buffer`, no `byteOffset`) whole.
    else
      bytes = new Uint8Array(
        (source as Uint8Array<ArrayBuffer>).buffer ?? source,
        (source as Uint8Array).byteOffset,
        (source as ArrayBuffer).byteLength,
      )
    profile.url = url || response?.url || undefined

    if (url) {
      await fromCache(integrity)
      if (!module) {
        ;[response, done] = await fetchWasm(scope, url, signal, options.timeoutMs, options.retries)
        // Without integrity, the ETag names the version: a stored copy of it spares the download.
        if (!integrity && response.ok) await fromCache(response.headers.get('etag'))
      }
    }

    if (!module) {
      if (response) {
        if (!response.ok) throw new WasmNetworkError(response.status, `HTTP ${response.status}`, profile.url)
        // compileStreaming takes exactly application/wasm, so anything else is read whole instead.
        // Counted, so that a misconfigured server or CDN shows in the profile and the loader's stats.
        const wasmType = !(profile.mimeFallback =
          response.headers.get('content-type')?.toLowerCase() !== 'application/wasm')
        // Integrity is checked before compiling, so a module with integrity is read whole first.
        if (wasmType && !integrity && WebAssembly.compileStreaming) {
          // The bytes are still wanted: for the cache, the size, and to describe a compile error.
          const copy = response.clone()
          step('compile')
          profile.streaming = true
          module = await WebAssembly.compileStreaming(withProgress(response, monitor, options.onProgress)).finally(
            async () => {
              bytes = new Uint8Array(await copy.arrayBuffer())
            },
          )
        } else await compile(new Uint8Array(await withProgress(response, monitor, options.onProgress).arrayBuffer()))
      } else await compile(bytes!)
    }
    // Stored only now: bytes that compiled (and matched their integrity), under their integrity or ETag.
    if (cache && !profile.cacheHit) {
      env._writes = cache.put(key!, new Response(bytes)).catch(noop)
    }
    step('instantiate')
    const instance = await WebAssembly.instantiate(module!, imports).catch((error: unknown) => {
      // A missing import is named whatever the engine threw (a TypeError when a whole import object is
      // missing); any other failure, such as a trapping start function, stays as it is.
      const missing = WebAssembly.Module.imports(module!).find(({ module, name, kind }) => {
        const value = (imports[module] as Record<string, unknown> | undefined)?.[name]
        return kind === 'function' ? typeof value !== 'function' : value === undefined
      })
      throw missing || error instanceof WebAssembly.LinkError
        ? new WasmLinkError(missing?.module, missing?.name, profile.url, error)
        : error
    })
    signal?.throwIfAborted()
    profile.ok = true
    return { module: module!, instance, profile }
  } catch (error) {
    profile.phase = phase
    if (signal?.aborted) error = signal.reason
    else if (error instanceof WebAssembly.CompileError) error = new WasmCompileError(bytes!, profile.url, error)
    else if (!(error instanceof WasmLoadError)) error = new WasmLoadError(phase, phase, profile.url, error)
    profile.error = (error as Error)?.name
    throw error
  } finally {
    done()
    step(phase)
    profile.bytes = bytes?.length ?? 0
    profile.totalMs = mark - start
    env._emit(profile)
  }
}

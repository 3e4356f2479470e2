// Starts the test workers (testWorker.fixture.ts, analyticsWorker.fixture.ts) in worker_threads: bundled once by
// esbuild (so the TypeScript
// sources run without a loader) and started from the code with `eval: true`.
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { build } from 'esbuild'
import type { WorkerLike } from './spawnWorker'

const bundles = new Map<string, Promise<string>>()

/** A bundled worker's code (CommonJS, for `new Worker(code, { eval: true })`); default the RPC test worker. */
export function testWorkerCode(entry = './testWorker.fixture.ts'): Promise<string> {
  let code = bundles.get(entry)
  if (!code) bundles.set(entry, (code = bundleWorker(entry)))
  return code
}

function bundleWorker(entry: string): Promise<string> {
  return build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text)
}

/** Starts one test worker. */
export function startNodeWorker(source: string): Worker & WorkerLike {
  return new Worker(source, { eval: true }) as Worker & WorkerLike
}

// Builds the collector for plain Node (no TypeScript loader): src/main.ts → dist/main.mjs (the command line)
// and src/index.ts → dist/index.mjs (startCollector for in-process use), dependencies left as imports, and
// the dashboard's files copied beside them (dist/dashboard/).
import { cpSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))

rmSync(`${here}dist`, { recursive: true, force: true })
await build({
  entryPoints: { main: `${here}src/main.ts`, index: `${here}src/index.ts` },
  outdir: `${here}dist`,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
cpSync(`${here}src/dashboard`, `${here}dist/dashboard`, { recursive: true })
console.log('apps/collector: built dist/main.mjs, dist/index.mjs, dist/dashboard/')

// Builds every publishable packages/* that has a src/index.ts: ESM + CJS JavaScript (esbuild) and one bundled
// declaration file per format (rollup-plugin-dts). A package may add more entries (a worker entry, a CLI)
// with a "marco": { "entries": { "name": "src/file.ts" } } field, and a script-tag IIFE with
// "marco": { "iife": { "input": "src/cdn.ts", "name": "Marco", "file": "marco.min.js" } }.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib'
import { nodeResolve } from '@rollup/plugin-node-resolve'
import dts from 'rollup-plugin-dts'
import { transform } from 'esbuild'
import esbuild from 'rollup-plugin-esbuild'

const root = fileURLToPath(new URL('.', import.meta.url))
const only = process.env.MARCO_PACKAGES?.split(',')

const packages = readdirSync(`${root}packages`)
  .filter((dir) => existsSync(`${root}packages/${dir}/src/index.ts`) && (!only || only.includes(dir)))
  .map((dir) => ({
    dir,
    path: `${root}packages/${dir}`,
    pkg: JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8')),
  }))
  // The private test helpers are consumed from source and never published.
  .filter(({ pkg }) => !pkg.private)
// Each build starts from an empty dist: hashed declaration chunks and the files of renamed modules would
// otherwise pile up there and be published with the package.
for (const { path } of packages) rmSync(`${path}/dist`, { recursive: true, force: true })

/**
 * Renames `_private` fields and methods to short names across each whole output chunk (they are private by
 * convention: no other package may touch them). Done on the chunk, not per file, so every use agrees.
 */
const manglePrivate = () => {
  const mangleCache = {}
  // One file at a time: rollup renders chunks concurrently, and each transform must see the names the
  // previous ones chose, or `_context` becomes `b` in one file and `c` in the next.
  let queue = Promise.resolve()
  return {
    name: 'mangle-private',
    renderChunk(code) {
      const result = queue.then(async () => {
        const output = await transform(code, { mangleProps: /^_[a-zA-Z]/, mangleCache, loader: 'js' })
        Object.assign(mangleCache, output.mangleCache)
        return { code: output.code, map: null }
      })
      queue = result.then(
        () => undefined,
        () => undefined,
      )
      return result
    },
  }
}

/** Writes `<file>.sri`, `<file>.br` and `<file>.gz` beside each emitted script. */
const scriptTagFiles = () => ({
  name: 'script-tag-files',
  writeBundle(options, bundle) {
    for (const [fileName, chunk] of Object.entries(bundle)) {
      if (chunk.type !== 'chunk') continue
      const file = options.file ?? `${options.dir}/${fileName}`
      const code = Buffer.from(chunk.code)
      writeFileSync(`${file}.sri`, `sha384-${createHash('sha384').update(code).digest('base64')}\n`)
      writeFileSync(`${file}.br`, brotliCompressSync(code, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }))
      writeFileSync(`${file}.gz`, gzipSync(code, { level: 9 }))
    }
  },
})

const configs = []
// Built last: a script-tag bundle inlines the other packages' built files.
const scriptTags = []
for (const { path, pkg } of packages) {
  const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]
  const external = (id) =>
    id.startsWith('node:') || builtinModules.includes(id) || deps.some((dep) => id === dep || id.startsWith(`${dep}/`))
  const entries = { index: 'src/index.ts', ...pkg.marco?.entries }
  const input = Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `${path}/${file}`]))
  configs.push(
    {
      input,
      external,
      plugins: [esbuild({ target: 'es2022', tsconfig: `${root}tsconfig.base.json` }), manglePrivate()],
      // One output file per source module: a bundler then drops whole files (and what only they import,
      // such as a dependency that runs code on import) when an app uses nothing from them.
      output: [
        {
          dir: `${path}/dist`,
          format: 'es',
          preserveModules: true,
          preserveModulesRoot: `${path}/src`,
          entryFileNames: '[name].mjs',
        },
        {
          dir: `${path}/dist`,
          format: 'cjs',
          preserveModules: true,
          preserveModulesRoot: `${path}/src`,
          entryFileNames: '[name].cjs',
        },
      ],
    },
    {
      input,
      external,
      plugins: [dts({ tsconfig: `${root}tsconfig.base.json`, compilerOptions: { verbatimModuleSyntax: false } })],
      output: [
        { dir: `${path}/dist`, format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: '[name]-[hash].d.ts' },
        { dir: `${path}/dist`, format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: '[name]-[hash].d.cts' },
      ],
    },
  )
  const iife = pkg.marco?.iife
  if (iife) {
    // The script-tag bundle inlines its dependencies. Minified without a target: with one, esbuild hoisted
    // helpers outside the IIFE as extra globals. Not mangled again (it inlines the packages' already-mangled
    // files, and a second renaming pass collided with their short names). Written with its SRI hash
    // (for `<script integrity>`) and brotli and gzip copies (for nginx's brotli_static / gzip_static).
    scriptTags.push({
      input: `${path}/${iife.input}`,
      plugins: [
        nodeResolve({ browser: true, exportConditions: ['import', 'default'] }),
        esbuild({ minify: true, tsconfig: `${root}tsconfig.base.json` }),
        scriptTagFiles(),
      ],
      output: { file: `${path}/dist/${iife.file}`, format: 'iife', name: iife.name },
    })
  }
}

export default [...configs, ...scriptTags]

// The cost of each budget entry as a user's bundler sees it: `export { X } from '@marco/y'` bundled by esbuild
// (minified, browser platform, resolving the built packages through their package.json like any app), in raw,
// gzip and brotli bytes. Also checks that `import '@marco/y'` with nothing used bundles to zero bytes.
// Exits non-zero when an entry passes its budget or a package does not tree-shake away.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { relative } from 'node:path'
import { build } from 'esbuild'
import { publishablePackages, root } from './packages.mjs'

/**
 * Bundles an entry like an app would. Returns the files loaded up front (`eager`: the entry and what it
 * imports statically), the chunks it loads later through dynamic `import()` (`lazy`) and the input modules.
 * `stub`: modules (path fragments) replaced by empty exports, to see what they cost (`--why`).
 */
export async function bundle(contents, stub = []) {
  const result = await build({
    plugins: stub.length ? [stubPlugin(stub)] : [],
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: `${root}.tmp/size-out`,
    write: false,
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Resolve like an app would: through node_modules and package.json, not the workspace's source paths.
    tsconfigRaw: '{}',
  })
  // Walk from the entry (esbuild also writes chunks for dynamic imports that tree-shaking removed; those
  // never load and cost nothing).
  const outputs = result.metafile.outputs
  const byPath = new Map(result.outputFiles.map((file) => [relative(root, file.path), file.contents]))
  const entry = Object.keys(outputs).find((path) => outputs[path].entryPoint)
  const eager = new Set()
  const lazy = new Set()
  const visit = (path, isLazy) => {
    if (eager.has(path) || (isLazy && lazy.has(path))) return
    if (isLazy) lazy.add(path)
    else {
      lazy.delete(path)
      eager.add(path)
    }
    for (const dep of outputs[path].imports) if (!dep.external) visit(dep.path, isLazy || dep.kind === 'dynamic-import')
  }
  visit(entry, false)
  const files = (paths) => [...paths].map((path) => byPath.get(path)).filter((bytes) => bytes && bytes.length)
  // Each input module and the minified bytes of its own code in the output.
  const modules = new Map()
  for (const path of [...eager, ...lazy])
    for (const [module, { bytesInOutput }] of Object.entries(outputs[path].inputs))
      modules.set(module, (modules.get(module) ?? 0) + bytesInOutput)
  return { eager: files(eager), lazy: files(lazy), modules }
}

/** Replaces every module whose path contains one of `fragments` with empty functions of the same names. */
function stubPlugin(fragments) {
  return {
    name: 'stub',
    setup(build) {
      build.onLoad({ filter: /\.m?js$/ }, ({ path }) => {
        if (!fragments.some((fragment) => path.includes(fragment))) return undefined
        const names = [...readFileSync(path, 'utf8').matchAll(/export\s*\{([^}]*)\}/g)].flatMap((match) =>
          match[1]
            .split(',')
            .map((name) =>
              name
                .trim()
                .split(/\s+as\s+/)
                .pop(),
            )
            .filter(Boolean),
        )
        return {
          contents: names
            .map((name) => (name === 'default' ? 'export default function () {}' : `export function ${name}() {}`))
            .join('\n'),
          loader: 'js',
        }
      })
    },
  }
}

/** Bytes of each file compressed on its own (as a server sends them), summed. */
export function measure(files) {
  const sum = (f) => files.reduce((total, bytes) => total + f(bytes), 0)
  return {
    raw: sum((bytes) => bytes.length),
    gzip: sum((bytes) => gzipSync(bytes, { level: 9 }).length),
    brotli: sum((bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length),
    files: files.length,
  }
}

// MARCO_PACKAGES=core,analytics limits the table to those packages (as it does the build).
const only = process.env.MARCO_PACKAGES?.split(',').map((dir) => `@marco/${dir}`)
const budgets = JSON.parse(readFileSync(`${root}size-budgets.json`, 'utf8')).budgets.filter(
  (entry) => !only || only.includes(entry.from ?? entry.package),
)
const source = (...parts) =>
  parts.map(({ from, import: names }) => `export { ${names.join(', ')} } from '${from}'`).join('\n')

// `--why "NAME"`: what each module of the entries whose name contains NAME costs: its own minified bytes,
// and the brotli bytes the bundle loses when it is replaced by empty exports (its code and whatever only it
// imports, so a module that pulls in others counts them too).
const why = process.argv.indexOf('--why')
if (why > 0) {
  const wanted = process.argv[why + 1] ?? ''
  for (const entry of budgets.filter((budget) => budget.name.includes(wanted) && (!budget.file || budget.source))) {
    // A built file (the CDN bundle) is analysed from the source file it is built from.
    const contents = entry.source
      ? `export * from '${root}${entry.source}'`
      : source(entry, ...(entry.also ? [entry.also] : []))
    const base = await bundle(contents)
    const total = measure(base.eager).brotli
    const costs = []
    for (const [module, own] of base.modules) {
      // Built modules only (a workspace source file, like the CDN entry's own, cannot be replaced by name).
      if (!own || !/\.m?js$/.test(module)) continue
      const fragment = module.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '')
      costs.push([total - measure((await bundle(contents, [fragment])).eager).brotli, own, fragment])
    }
    console.log(`${entry.name}: ${total} B brotli\n brotli B with what it imports | own minified B | module`)
    for (const [bytes, own, module] of costs.sort((a, b) => b[0] - a[0]))
      console.log(`${String(bytes).padStart(7)} | ${String(own).padStart(6)} | ${module}`)
  }
  process.exit(0)
}
const rows = []
let failures = 0
// A budget covers everything the import loads, lazily loaded chunks included. An entry with "beyond"
// measures what the import adds to an app that already bundles those imports (e.g. a feature on top of the
// runtime's one shared EventQueue): the bundle of both, less the bundle of "beyond" alone.
for (const entry of budgets) {
  if (entry.file) {
    // A built file served as it is (the CDN bundle): its own bytes, compressed.
    const size = measure([readFileSync(`${root}${entry.file}`)])
    const ok = size.brotli <= entry.brotli
    if (!ok) failures++
    rows.push({ entry: entry.name, ...size, lazy: 0, budget: entry.brotli, status: ok ? 'ok' : 'OVER BUDGET' })
    continue
  }
  const cost = async (...parts) => {
    const { eager, lazy } = await bundle(source(...parts))
    return { size: measure(eager), later: measure(lazy) }
  }
  // "also": more imports bundled together with this one (e.g. the runtime with one feature).
  const { size, later } = await cost(entry, ...(entry.also ? [entry.also] : []))
  if (entry.beyond) {
    const base = await cost(entry.beyond)
    const both = await cost(entry, ...(entry.also ? [entry.also] : []), entry.beyond)
    for (const key of ['raw', 'gzip', 'brotli']) {
      size[key] = both.size[key] - base.size[key]
      later[key] = both.later[key] - base.later[key]
    }
  }
  // "excludes": strings whose presence would show a feature the app did not pass was bundled anyway.
  const code = entry.excludes
    ? (await bundle(source(entry, ...(entry.also ? [entry.also] : [])))).eager
        .map((bytes) => Buffer.from(bytes).toString())
        .join('')
    : ''
  const leaked = (entry.excludes ?? []).filter((text) => code.includes(text))
  const ok = size.brotli + later.brotli <= entry.brotli && !leaked.length
  if (!ok) failures++
  rows.push({
    entry: entry.name,
    ...size,
    lazy: later.brotli,
    budget: entry.brotli,
    status: leaked.length ? `CONTAINS ${leaked.join(', ')}` : ok ? 'ok' : 'OVER BUDGET',
  })
}
for (const { pkg } of publishablePackages().filter(({ pkg }) => !only || only.includes(pkg.name))) {
  const { eager } = await bundle(`import '${pkg.name}'`)
  const size = measure(eager)
  const ok = size.raw === 0 && size.files === 0
  if (!ok) failures++
  rows.push({
    entry: `${pkg.name}: import with nothing used`,
    ...size,
    lazy: 0,
    budget: 0,
    status: ok ? 'ok' : 'NOT TREE-SHAKEN',
  })
}

const widths = { entry: 0, files: 0, raw: 0, gzip: 0, brotli: 0, lazy: 0, budget: 0, status: 0 }
const header = {
  entry: 'import',
  files: 'files',
  raw: 'raw B',
  gzip: 'gzip B',
  brotli: 'brotli B',
  lazy: '+lazy brotli B',
  budget: 'budget B',
  status: 'status',
}
for (const row of [header, ...rows])
  for (const key in widths) widths[key] = Math.max(widths[key], String(row[key]).length)
const line = (row) =>
  Object.keys(widths)
    .map((key) =>
      key === 'entry' || key === 'status'
        ? String(row[key]).padEnd(widths[key])
        : String(row[key]).padStart(widths[key]),
    )
    .join(' | ')
console.log(line(header))
console.log(
  Object.values(widths)
    .map((w) => '-'.repeat(w))
    .join('-|-'),
)
for (const row of rows) console.log(line(row))
mkdirSync(`${root}.tmp`, { recursive: true })
writeFileSync(`${root}.tmp/size.json`, JSON.stringify(rows, null, 2))
if (failures) {
  console.error(`\n${failures} size check(s) failed`)
  process.exit(1)
}

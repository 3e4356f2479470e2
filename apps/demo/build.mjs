// Builds the demo into dist/ (run from anywhere: `node apps/demo/build.mjs`, or `pnpm run build` at the root
// after the packages). Everything a browser fetches is content-hashed under /assets/ except the files whose
// URL must stay put (/, /sw.js, /manifest.webmanifest, /icon.svg, /asset-manifest.json):
//
//   dist/index.html                        the page; its one module script carries nonce="__CSP_NONCE__"
//   dist/assets/main-<hash>.js (+ .map)     src/main.ts, esm, minified
//   dist/assets/analytics-worker-<hash>.js  the @marco/workers/analytics-worker entry, a module worker
//   dist/assets/smooth-<hash>.wasm          src/smooth.wat compiled with wabt
//   dist/assets/app-<hash>.css              src/app.css, minified
//   dist/sw.js                              src/sw.js with the precache list and version injected
//   dist/manifest.webmanifest, dist/icon.svg
//   dist/asset-manifest.json               every file with its SRI hash and sizes
//   *.br, *.gz                             beside every text asset and the wasm (not index.html: the server
//                                          or nginx sub_filter must rewrite its nonce placeholder)
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { createRequire } from 'node:module'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '../..')
// Until `pnpm install` links apps/demo/node_modules, the workspace packages (and esbuild, wabt) resolve from
// the root's node_modules, where @marco/* are symlinks to packages/* (their dist/ built by `pnpm run build`).
const require = createRequire(join(root, 'package.json'))
const { build, transform } = await import(require.resolve('esbuild'))
const wabt = await require('wabt')()

const dist = join(here, 'dist')
const assets = join(dist, 'assets')
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'))
const release = `marco-demo@${pkg.version}`
const TARGET = ['chrome111', 'edge111', 'firefox114', 'safari16.4']

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`
const contentHash = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 10)
const write = (file, bytes) => {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, bytes)
  return '/' + relative(dist, file).split('\\').join('/')
}

rmSync(dist, { recursive: true, force: true })
mkdirSync(assets, { recursive: true })

// 1. The wasm module, from WebAssembly text; the name section keeps function names in stack traces.
const wat = wabt.parseWat('smooth.wat', readFileSync(join(here, 'src/smooth.wat'), 'utf8'))
wat.resolveNames()
wat.validate()
const wasmBytes = Buffer.from(wat.toBinary({ write_debug_names: true }).buffer)
wat.destroy()
const wasmUrl = write(join(assets, `smooth-${contentHash(wasmBytes)}.wasm`), wasmBytes)

// 2. The stylesheet.
const css = await transform(readFileSync(join(here, 'src/app.css'), 'utf8'), {
  loader: 'css',
  minify: true,
  target: TARGET,
})
const cssUrl = write(join(assets, `app-${contentHash(css.code)}.css`), css.code)

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: TARGET,
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  outdir: assets,
  entryNames: '[name]-[hash]',
  metafile: true,
  write: true,
  logLevel: 'warning',
  nodePaths: [join(here, 'node_modules'), join(root, 'node_modules')],
  define: { 'process.env.NODE_ENV': '"production"' },
}
const outputOf = (result, entry) => {
  const [file] = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint?.endsWith(entry)) ?? []
  if (!file) throw new Error(`build.mjs: no output for ${entry}`)
  return join(process.cwd(), file)
}

// 3. The analytics worker: the package's own entry, as a module of its own (never a blob:).
const workerEntry = require.resolve('@marco/workers/analytics-worker').replace(/\.cjs$/, '.mjs')
const worker = await build({ ...common, entryPoints: { 'analytics-worker': workerEntry } })
const workerUrl = '/' + relative(dist, outputOf(worker, 'analytics-worker.mjs')).split('\\').join('/')

// 4. The app, with the hashed URLs and SRI it loads compiled in.
const main = await build({
  ...common,
  entryPoints: { main: join(here, 'src/main.ts') },
  define: {
    ...common.define,
    __WASM_URL__: JSON.stringify(wasmUrl),
    __WASM_INTEGRITY__: JSON.stringify(sri(wasmBytes)),
    __WORKER_URL__: JSON.stringify(workerUrl),
    __RELEASE__: JSON.stringify(release),
  },
})
const mainFile = outputOf(main, 'src/main.ts')
const mainUrl = '/' + relative(dist, mainFile).split('\\').join('/')

// 5. The page, the manifest and icon.
const html = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('%MAIN_JS%', mainUrl)
  .replace('%MAIN_JS_SRI%', sri(readFileSync(mainFile)))
  .replace('%APP_CSS%', cssUrl)
  .replace('%APP_CSS_SRI%', sri(css.code))
if (!html.includes('nonce="__CSP_NONCE__"')) throw new Error('build.mjs: index.html lost its nonce placeholder')
write(join(dist, 'index.html'), html)
copyFileSync(join(here, 'public/manifest.webmanifest'), join(dist, 'manifest.webmanifest'))
copyFileSync(join(here, 'public/icon.svg'), join(dist, 'icon.svg'))

// 6. The service worker: the app shell and every hashed asset except source maps.
const precache = ['/', '/manifest.webmanifest', '/icon.svg', cssUrl, mainUrl, workerUrl, wasmUrl]
const version = contentHash(precache.join('\n') + html)
const sw = readFileSync(join(here, 'src/sw.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace('/* __PRECACHE__ */ []', JSON.stringify(precache))
write(join(dist, 'sw.js'), sw)

// 7. The asset manifest, then precompressed copies of everything but the HTML.
const files = {}
const walk = (dir) =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)],
  )
const COMPRESSIBLE = /\.(js|mjs|css|map|json|webmanifest|svg|wasm|txt)$/
for (const file of walk(dist).sort()) {
  const bytes = readFileSync(file)
  files['/' + relative(dist, file).split('\\').join('/')] = { bytes: bytes.length, integrity: sri(bytes) }
}
writeFileSync(
  join(dist, 'asset-manifest.json'),
  JSON.stringify(
    {
      release,
      version,
      entries: {
        html: '/index.html',
        main: mainUrl,
        worker: workerUrl,
        wasm: wasmUrl,
        css: cssUrl,
        serviceWorker: '/sw.js',
      },
      precache,
      files,
    },
    null,
    2,
  ) + '\n',
)
files['/asset-manifest.json'] = {}
let raw = 0
let brotli = 0
for (const file of walk(dist)) {
  if (!COMPRESSIBLE.test(file)) continue
  const bytes = readFileSync(file)
  const br = brotliCompressSync(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  })
  writeFileSync(`${file}.br`, br)
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }))
  if (!file.endsWith('.map')) {
    raw += bytes.length
    brotli += br.length
  }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`
const size = (url) => {
  const bytes = readFileSync(join(dist, url))
  return `${kb(bytes.length)} (${kb(brotliCompressSync(bytes).length)} br)`
}
console.log(
  `apps/demo: built dist/ — main ${size(mainUrl)}, worker ${size(workerUrl)}, wasm ${size(wasmUrl)}, css ${size(cssUrl)}; ${kb(raw)} → ${kb(brotli)} brotli without maps`,
)

// `pnpm demo`: builds what is needed, starts the reference collector and serves the demo PWA on 127.0.0.1,
// prints the URLs, and stops both on Ctrl-C. Ports: DEMO_PORT (default 8080) and COLLECTOR_PORT (4318);
// the collector's database: COLLECTOR_DB (default .tmp/demo.sqlite). `--no-build` skips the build.
// The collector reads the demo build's source maps from apps/demo/dist/assets on disk, never over HTTP (the
// production nginx answers 404 for *.map), so a demo crash shows its original `src/….ts:line` on the dashboard.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { root } from './packages.mjs'

/** The demo's build output: its hashed assets with their `.map` files beside them. */
const DEMO_ASSETS = `${root}apps/demo/dist/assets`

/**
 * The collector options `pnpm demo` starts with: the demo's origins may post, and the demo build's source maps
 * (`apps/demo/dist/assets/<asset>.js.map`, named like the hashed asset each belongs to) resolve its frames.
 * `release` is the one the build compiled into the app (its `asset-manifest.json`).
 * The end-to-end test starts its collector from the same options.
 *
 * @example
 * const demo = demoCollectorOptions({ host: '127.0.0.1', demoPort: 8080, dbPath: '.tmp/demo.sqlite' })
 * await startCollector({ ...demo.options, port: 4318 })
 * // demo.options.sourceMapsDir: `${root}apps/demo/dist/assets`; demo.release: 'marco-demo@0.1.0';
 * // demo.maps: ['analytics-worker-QTLG6QLU.js.map', 'main-NRX7QAXM.js.map']
 */
export function demoCollectorOptions({ host, demoPort, dbPath }) {
  const manifest = `${root}apps/demo/dist/asset-manifest.json`
  const release = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).release : undefined
  const maps = existsSync(DEMO_ASSETS) ? readdirSync(DEMO_ASSETS).filter((name) => name.endsWith('.js.map')) : []
  return {
    release,
    maps,
    options: {
      host,
      dbPath,
      allowedOrigins: [`http://${host}:${demoPort}`, `http://localhost:${demoPort}`],
      sourceMapsDir: DEMO_ASSETS,
    },
  }
}

async function main() {
  const host = '127.0.0.1'
  const demoPort = Number(process.env.DEMO_PORT ?? 8080)
  const collectorPort = Number(process.env.COLLECTOR_PORT ?? 4318)
  const dbPath = process.env.COLLECTOR_DB ?? `${root}.tmp/demo.sqlite`

  if (!process.argv.includes('--no-build')) {
    const build = spawnSync('pnpm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (build.status !== 0) process.exit(build.status ?? 1)
  }
  mkdirSync(`${root}.tmp`, { recursive: true })

  const { startCollector } = await import(`${root}apps/collector/dist/index.mjs`)
  const { startDemoServer } = await import(`${root}apps/demo/server.mjs`)
  const { options, release, maps } = demoCollectorOptions({ host, demoPort, dbPath })
  if (!maps.length) console.warn(`[demo] no source maps in ${DEMO_ASSETS}: crashes will show minified frames`)
  // The demo proxies /v1 to the collector, so the browser only ever talks to the demo's origin.
  const collector = await startCollector({ ...options, port: collectorPort })
  const demo = await startDemoServer({ port: demoPort, host, collectorUrl: collector.url })

  console.log(`
  Marco demo        ${demo.url}   (release ${release ?? 'unknown'})
  live dashboard    ${collector.url}/dashboard
  collector API     ${collector.url}/v1/stats   (database: ${dbPath})
  source maps       ${maps.length ? maps.join(', ') : 'none'}   (the collector reads them from ${DEMO_ASSETS})

  Open the demo, choose in the consent banner, draw; open it in a second tab to see a collaborator.
  Ctrl-C stops both.
`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await Promise.allSettled([demo.close(), collector.close()])
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

// Imported (by the end-to-end test) it only lends its options; run (`pnpm demo`) it starts everything.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()

// `pnpm demo`: builds what is needed, starts the reference collector and serves the demo PWA on 127.0.0.1,
// prints the URLs, and stops both on Ctrl-C. Ports: DEMO_PORT (default 8080) and COLLECTOR_PORT (4318);
// the collector's database: COLLECTOR_DB (default .tmp/demo.sqlite). `--no-build` skips the build.
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { root } from './packages.mjs'

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
// The demo proxies /v1 to the collector, so the browser only ever talks to the demo's origin.
const collector = await startCollector({
  port: collectorPort,
  host,
  dbPath,
  allowedOrigins: [`http://${host}:${demoPort}`, `http://localhost:${demoPort}`],
})
const demo = await startDemoServer({ port: demoPort, host, collectorUrl: collector.url })

console.log(`
  Marco demo        ${demo.url}
  live dashboard    ${collector.url}/dashboard
  collector API     ${collector.url}/v1/stats   (database: ${dbPath})

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

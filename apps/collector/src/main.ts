// The collector's command line: `node apps/collector/dist/main.mjs --port 4318 --db ./marco.db`.
import { onShutdownSignals } from './onShutdownSignals'
import { parseOptions, USAGE } from './parseOptions'
import { startCollector } from './startCollector'

const log = (message: string) => console.log(`[collector] ${message}`)

let options: ReturnType<typeof parseOptions>
try {
  options = parseOptions(process.argv.slice(2), process.env)
} catch (error) {
  console.error(`[collector] ${(error as Error).message}`)
  process.exit(2)
}
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}
try {
  const collector = await startCollector({ ...options, log })
  const dashboard = `${collector.url}/dashboard${options.readToken ? '?token=<read token>' : ''}`
  log(`listening on ${collector.url} (dashboard ${dashboard}, database ${options.dbPath ?? './marco-collector.db'})`)
  onShutdownSignals(() => collector.close(), process, log)
} catch (error) {
  console.error(`[collector] could not start: ${(error as Error).message}`)
  process.exit(1)
}

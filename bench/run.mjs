// Runs every bench/*.bench.mjs in turn, each in its own Node process, or only those named on the command
// line (`pnpm run bench queue` or `pnpm run bench bench/queue.bench.mjs`). Exits non-zero if one failed.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'

const benchDir = fileURLToPath(new URL('.', import.meta.url))
const root = fileURLToPath(new URL('..', import.meta.url))
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.mjs'))
  .sort()
const args = process.argv.slice(2).filter((arg) => arg !== '--')
// Flags (`--quick`, `--runs=3`) go to every benchmark run; the other words name benchmarks.
const flags = args.filter((arg) => arg.startsWith('--'))
const asked = args.filter((arg) => !arg.startsWith('--'))
const nameOf = (arg) => basename(arg).replace(/\.bench\.mjs$/, '')
const unknown = asked.filter((arg) => !available.some((file) => nameOf(file) === nameOf(arg)))
if (unknown.length) {
  console.error(`no such benchmark: ${unknown.join(', ')} (have: ${available.map(nameOf).join(', ')})`)
  process.exit(2)
}
const selected = asked.length
  ? available.filter((file) => asked.some((arg) => nameOf(arg) === nameOf(file)))
  : available

let failed = 0
for (const file of selected) {
  console.log(`\n── bench/${file}`)
  const started = Date.now()
  const run = spawnSync(process.execPath, [`${benchDir}${file}`, ...flags], { cwd: root, stdio: 'inherit' })
  const ok = run.status === 0
  if (!ok) failed++
  console.log(
    `── bench/${file}: ${ok ? 'done' : `FAILED (${run.signal ?? `exit ${run.status}`})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}
process.exit(failed ? 1 : 0)

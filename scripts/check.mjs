// The whole test command: every check in order, each counted, ending in one plain line `N passed, N failed`.
// Vitest's tests count one each (read from its summary file); every other step (typecheck, build, package
// lint, size budgets) counts as one check. A failed build skips the steps that need its output and counts them
// as failed.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { root } from './packages.mjs'

const summaryFile = `${root}.tmp/vitest-summary.json`
const steps = [
  { name: 'lint and format (biome)', cmd: ['pnpm', 'exec', 'biome', 'check', '.'] },
  { name: 'typecheck', cmd: ['pnpm', 'run', 'typecheck'] },
  { name: 'build', cmd: ['pnpm', 'run', 'build'] },
  { name: 'unit and integration tests', cmd: ['pnpm', 'exec', 'vitest', 'run'], vitest: true, needs: 'build' },
  { name: 'publint and attw', cmd: ['node', 'scripts/lint-packages.mjs'], needs: 'build' },
  { name: 'size budgets and tree-shaking', cmd: ['node', 'scripts/size.mjs'], needs: 'build' },
]

let passed = 0
let failed = 0
let skipped = 0
const results = {}
for (const step of steps) {
  if (step.needs && !results[step.needs]) {
    console.log(`\n── ${step.name}: not run, ${step.needs} failed`)
    failed++
    continue
  }
  console.log(`\n── ${step.name}: ${step.cmd.join(' ')}`)
  rmSync(summaryFile, { force: true })
  const started = Date.now()
  const run = spawnSync(step.cmd[0], step.cmd.slice(1), {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MARCO_VITEST_SUMMARY: step.vitest ? summaryFile : '' },
  })
  const ok = run.status === 0
  results[step.name] = ok
  console.log(`── ${step.name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  if (step.vitest && existsSync(summaryFile)) {
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'))
    passed += summary.passed
    failed += summary.failed
    skipped += summary.skipped
    // A runner that died after its summary (or failed outside any test) still fails the run.
    if (!ok && summary.failed === 0) failed++
  } else if (ok) passed++
  else failed++
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed ? 1 : 0)

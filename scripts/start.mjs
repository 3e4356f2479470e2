// The main job until the demo exists: build every package and print the size table.
import { spawnSync } from 'node:child_process'
import { root } from './packages.mjs'

for (const cmd of [
  ['pnpm', 'run', 'build'],
  ['node', 'scripts/size.mjs'],
]) {
  const run = spawnSync(cmd[0], cmd.slice(1), { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) process.exit(run.status ?? 1)
}

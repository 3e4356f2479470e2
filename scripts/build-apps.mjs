// Builds every apps/* that has a build.mjs (after the packages: the apps bundle their built dist).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { root } from './packages.mjs'

const only = process.env.MARCO_PACKAGES?.split(',')
for (const dir of readdirSync(`${root}apps`)) {
  if (only && !only.includes(dir)) continue
  if (!existsSync(`${root}apps/${dir}/build.mjs`)) continue
  console.log(`apps/${dir}: node build.mjs`)
  const run = spawnSync(process.execPath, ['build.mjs'], { cwd: `${root}apps/${dir}`, stdio: 'inherit' })
  if (run.status !== 0) process.exit(run.status ?? 1)
}

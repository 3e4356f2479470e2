// publint --strict and attw --pack for every publishable package (after the build). Exits non-zero on any finding.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { publishablePackages, root } from './packages.mjs'

const bin = (name) => `${root}node_modules/.bin/${name}`
let failures = 0
for (const { dir, path, pkg } of publishablePackages()) {
  const packDir = mkdtempSync(`${tmpdir()}/marco-pack-`)
  try {
    // pnpm pack rewrites `workspace:` ranges the way publishing does.
    execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: path, stdio: 'pipe' })
    const tarball = `${packDir}/${readdirSync(packDir)[0]}`
    for (const [tool, args] of [
      ['publint', ['--strict', tarball]],
      ['attw', [tarball, '--format', 'ascii']],
    ]) {
      try {
        const out = execFileSync(bin(tool), args, { cwd: path, stdio: 'pipe', encoding: 'utf8' })
        console.log(`ok   ${tool} ${pkg.name}`)
        if (/warning|error|suggestion/i.test(out) && tool === 'publint') console.log(out)
      } catch (error) {
        failures++
        console.log(`FAIL ${tool} ${pkg.name} (packages/${dir})\n${error.stdout ?? ''}${error.stderr ?? ''}`)
      }
    }
  } finally {
    rmSync(packDir, { recursive: true, force: true })
  }
}
process.exit(failures ? 1 : 0)

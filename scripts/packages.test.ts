import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM helper without types
import { publishablePackages, root } from './packages.mjs'

const packages: { dir: string; pkg: Record<string, unknown> & { name: string } }[] = publishablePackages()

describe('every package', () => {
  it('is found', () => {
    expect(packages.map((p) => p.pkg.name)).toContain('@marco/core')
  })

  for (const { dir, pkg } of packages) {
    it(`${pkg.name} declares type module, sideEffects false, an exports map and ships dist`, () => {
      expect(pkg.type).toBe('module')
      // Nothing runs on import, except a worker entry, which exists to run (it is started by URL, never imported
      // by the main bundle).
      const sideEffects = pkg.sideEffects as false | string[]
      if (sideEffects !== false)
        for (const file of sideEffects) expect(file).toMatch(/^\.\/dist\/[\w-]*worker\.(mjs|cjs)$/)
      expect(pkg.exports).toBeTypeOf('object')
      expect((pkg.files as string[])[0]).toBe('dist')
      expect(readFileSync(`${root}packages/${dir}/README.md`, 'utf8')).toMatch(/```(ts|js)/)
    })

    it(`${pkg.name} imports and requires in plain Node with no window or document`, () => {
      // A separate process: the built files, resolved through package.json like any consumer's.
      const script = `
        if (typeof window !== 'undefined' || typeof document !== 'undefined') throw new Error('not plain Node')
        const esm = await import(${JSON.stringify(pkg.name)})
        const { createRequire } = await import('node:module')
        const cjs = createRequire(${JSON.stringify(`${root}package.json`)})(${JSON.stringify(pkg.name)})
        console.log(JSON.stringify([Object.keys(esm).sort(), Object.keys(cjs).sort()]))`
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' })
      const [esmKeys, cjsKeys] = JSON.parse(out) as [string[], string[]]
      expect(esmKeys.length).toBeGreaterThan(0)
      expect(cjsKeys).toEqual(esmKeys)
    })
  }
})

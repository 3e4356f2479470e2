// The publishable workspace packages, read once for every script.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))

/** Every non-private package under packages/ that has a src/index.ts. */
export function publishablePackages() {
  return readdirSync(`${root}packages`)
    .filter((dir) => existsSync(`${root}packages/${dir}/src/index.ts`))
    .map((dir) => ({
      dir,
      path: `${root}packages/${dir}`,
      pkg: JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private)
}

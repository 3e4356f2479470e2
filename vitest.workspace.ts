import { readdirSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('.', import.meta.url))
const packagesDir = `${root}packages`

/** Each workspace package resolves to its TypeScript source in tests, so no build is needed first. */
export const alias = Object.fromEntries(
  readdirSync(packagesDir)
    .filter((dir) => existsSync(`${packagesDir}/${dir}/src/index.ts`))
    .map((dir) => [`@marco/${dir}`, `${packagesDir}/${dir}/src/index.ts`]),
)

/**
 * The one list of test projects. Vitest 4 ignores this file on its own; `vitest.config.ts` imports it.
 * `unit` runs every `*.test.ts` in Node (a file opts into jsdom with `// @vitest-environment jsdom`);
 * `chromium` runs `*.chromium.test.ts` and `e2e/`, which drive the real browser from Node.
 */
export const projects = [
  {
    resolve: { alias },
    test: {
      name: 'unit',
      root,
      include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
      exclude: ['**/*.chromium.test.ts', '**/node_modules/**'],
      environment: 'node',
      // Property-based tests and real servers take seconds on a busy 2-core machine; nothing here asserts
      // on time, so a generous limit only guards against hangs.
      testTimeout: 30_000,
      setupFiles: [`${root}scripts/vitest.setup.ts`],
    },
  },
  {
    resolve: { alias },
    test: {
      name: 'chromium',
      root,
      // Node tests that drive Debian's Chromium (playwright-core) against local servers.
      include: ['packages/*/src/**/*.chromium.test.ts', 'apps/*/src/**/*.chromium.test.ts', 'e2e/**/*.test.ts'],
      environment: 'node',
      testTimeout: 60_000,
      hookTimeout: 60_000,
      // Real Chromium, nginx and servers on a shared 2-core machine: one retry, and every test that needed it
      // is printed as flaky by the summary reporter (a test that fails twice still fails the run).
      retry: 1,
    },
  },
]

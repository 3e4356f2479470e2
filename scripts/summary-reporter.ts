import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'

/**
 * Counts the run's tests. Under `scripts/check.mjs` it writes the counts to the file named by
 * `MARCO_VITEST_SUMMARY` (which prints the run's one closing line); alone it prints `N passed, N failed`.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      let failedHere = 0
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (test.diagnostic()?.flaky) {
          // What the failed attempt said, when vitest kept it: enough to find the cause later.
          const { task } = test as unknown as { task?: { result?: { errors?: { message: string }[] } } }
          const errors = (task?.result?.errors ?? []).map((error) => error.message).join(' | ')
          process.stdout.write(
            `\nflaky (passed on retry): ${module.moduleId} > ${test.fullName}${errors ? ` — ${errors}` : ''}\n`,
          )
        }
        if (state === 'passed') passed++
        else if (state === 'failed') failedHere++
        else skipped++
      }
      // A file that fails to load, or whose beforeAll/afterAll fails, must fail the run even when none of
      // its tests is marked failed (they are then skipped or passed).
      if (!failedHere && module.state() === 'failed') failedHere = 1
      failed += failedHere
    }
    const file = process.env.MARCO_VITEST_SUMMARY
    if (file) {
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, JSON.stringify({ passed, failed, skipped }))
    } else {
      process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
    }
  }
}

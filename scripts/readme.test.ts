import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url)
const readme = readFileSync(new URL('README.md', root), 'utf8')
const ci = readFileSync(new URL('.ci/run', root), 'utf8')

describe('README', () => {
  it('opens with exactly two commands, and CI runs the second one verbatim', () => {
    const blocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1]!.trim())
    const [main, test] = blocks
    expect(main).toBeTruthy()
    expect(test).toBeTruthy()
    expect(main!.split('\n')).toHaveLength(1)
    expect(test!.split('\n')).toHaveLength(1)
    const ciCommand = ci.split('\n').filter((line) => line && !line.startsWith('#') && !/^(set|cd) /.test(line))
    expect(ciCommand).toEqual([test])
  })
})

import { describe, expect, it } from 'vitest'
import {
  isBudgetSource,
  isCspViolationSink,
  isCspViolationSource,
  isPerformanceIssueSink,
  isWasmLoadSink,
  isWasmLoadSource,
  toCspViolation,
} from './capabilities'

describe('capabilities', () => {
  it('finds a capability by its method, not by a property of another kind', () => {
    const guards = [
      [isBudgetSource, 'onBudgetBreach'],
      [isPerformanceIssueSink, 'reportPerformanceIssue'],
      [isCspViolationSource, 'onCspViolation'],
      [isCspViolationSink, 'reportCspViolation'],
      [isWasmLoadSource, 'onLoad'],
      [isWasmLoadSink, 'recordWasmLoad'],
    ] as const
    for (const [guard, method] of guards) {
      expect(guard({ name: 'f', [method]: () => {} })).toBe(true)
      expect(guard({ name: 'f', [method]: 'not a function' })).toBe(false)
      expect(guard({ name: 'f' })).toBe(false)
      // Each guard answers for its own method only.
      for (const [, other] of guards) if (other !== method) expect(guard({ [other]: () => {} })).toBe(false)
    }
  })

  it('reads a securitypolicyviolation event once, the same way for every listener', () => {
    const event = {
      effectiveDirective: '',
      violatedDirective: 'script-src',
      blockedURI: 'inline',
      documentURI: 'https://app.example/',
      sourceFile: 'https://app.example/main.js',
      lineNumber: 4,
      columnNumber: 9,
      sample: 'alert(1)',
      disposition: 'report',
    } as SecurityPolicyViolationEvent
    // No effective directive (older engines): the violated one.
    expect(toCspViolation(event)).toEqual({
      directive: 'script-src',
      blockedUri: 'inline',
      documentUri: 'https://app.example/',
      sourceFile: 'https://app.example/main.js',
      line: 4,
      column: 9,
      sample: 'alert(1)',
      disposition: 'report',
    })
    expect(toCspViolation({ ...event, effectiveDirective: 'script-src-elem' }).directive).toBe('script-src-elem')
  })
})

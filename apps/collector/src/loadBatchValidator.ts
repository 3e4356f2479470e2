import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import Ajv2020 from 'ajv/dist/2020.js'

/** One schema violation: where (a JSON Pointer into the body) and what. */
export interface SchemaProblem {
  path: string
  message: string
}

/** Checks a parsed body against the wire schema; returns the problems (empty when valid). */
export type BatchValidator = (body: unknown) => SchemaProblem[]

/**
 * Compiles the wire schema that `@marco/core` ships (`@marco/core/schema/batch.v1.json`, the one file the SDK
 * and the collector share) with Ajv's draft 2020-12 validator. Validation stops at the first problem: a
 * hostile batch of many invalid events costs one check, not one error object per event.
 *
 * @example
 * const validate = loadBatchValidator()
 * validate({ v: 1 }) // [{ path: '/', message: "must have required property 'sentAt'" }]
 */
export function loadBatchValidator(): BatchValidator {
  const require = createRequire(import.meta.url)
  const schema = JSON.parse(readFileSync(require.resolve('@marco/core/schema/batch.v1.json'), 'utf8')) as object
  const ajv = new Ajv2020({ allErrors: false, strict: false })
  const validate = ajv.compile(schema)
  return (body) => {
    if (validate(body)) return []
    return (validate.errors ?? []).map((error) => {
      const detail =
        error.keyword === 'additionalProperties'
          ? ` ('${String((error.params as { additionalProperty?: string }).additionalProperty)}')`
          : error.keyword === 'enum'
            ? ` (${(error.params as { allowedValues?: unknown[] }).allowedValues?.map((value) => JSON.stringify(value)).join(', ')})`
            : ''
      return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${detail}` }
    })
  }
}

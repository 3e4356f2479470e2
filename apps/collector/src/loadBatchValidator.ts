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

/** Problems reported per rejected batch, at most. */
const MAX_PROBLEMS = 20

/**
 * Compiles the wire schema that `@marco/core` ships (`@marco/core/schema/batch.v1.json`, the one file the SDK
 * and the collector share) with Ajv's draft 2020-12 validator, reporting every problem (up to 20).
 *
 * @example
 * const validate = loadBatchValidator()
 * validate({ v: 1 }) // [{ path: '', message: "must have required property 'sentAt'" }, …]
 */
export function loadBatchValidator(): BatchValidator {
  const require = createRequire(import.meta.url)
  const schema = JSON.parse(readFileSync(require.resolve('@marco/core/schema/batch.v1.json'), 'utf8')) as object
  // allErrors: a client fixing a batch wants every problem at once, not one per round trip.
  const ajv = new Ajv2020({ allErrors: true, strict: false })
  const validate = ajv.compile(schema)
  return (body) => {
    if (validate(body)) return []
    return (validate.errors ?? []).slice(0, MAX_PROBLEMS).map((error) => {
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

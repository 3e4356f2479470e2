import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Database } from 'better-sqlite3'
import { isExperimentDefinition, type ExperimentDefinition } from '@marco/experiments'
import {
  computeExperimentResults,
  DEFAULT_TAU_SHARE,
  definitionFromExposure,
  type ExperimentResult,
} from './computeExperimentResults'
import { parseMetric } from './parseMetric'
import { readExperimentFacts, readExposedSessions } from './readExposedSessions'

/** The collector's `experiments` option. */
export interface ExperimentsOptions {
  /** The definitions `GET /v1/experiments` serves (and the results' weights), in code… */
  definitions?: readonly ExperimentDefinition[]
  /** …or from a JSON file: an array of definitions, or `{ "experiments": [...] }`. Read once at start. */
  file?: string
  /** The `track` event whose share of sessions is the conversion rate. Default: the most frequent one. */
  conversion?: string
  /** The numeric metric compared (see `parseMetric`). Default `errors` (exceptions per session). */
  metric?: string
  /** 1 - the confidence level of the always-valid intervals. Default 0.05. */
  alpha?: number
  /** The mSPRT mixture's standard deviation as a share of the metric's pooled one. Default 0.1. */
  tauShare?: number
}

export interface ResultsAnswer {
  readonly conversion: string | null
  readonly metric: string
  readonly alpha: number
  /** `track` names the exposed sessions sent, most frequent first (choices for `conversion`). */
  readonly trackNames: readonly string[]
  readonly experiments: readonly ExperimentResult[]
}

export interface ExperimentsService {
  /** `{ experiments: [...] }`, the body of `GET /v1/experiments`. */
  readonly definitionsBody: string
  /** Its strong ETag. */
  readonly etag: string
  /** The results for a conversion and a metric (defaults from the options); an error message for a bad metric. */
  results(query: { conversion?: string; metric?: string }): ResultsAnswer | string
}

/**
 * The collector's experiments: the definitions it serves (validated once at start: a bad file stops the
 * collector with a message naming it) and the results, computed on each request from the stored
 * exposures in one SQL pass.
 *
 * @example
 * const experiments = createExperimentsService(db, { file: './experiments.json', conversion: 'export' })
 */
export function createExperimentsService(db: Database, options: ExperimentsOptions = {}): ExperimentsService {
  const definitions = options.file ? readDefinitionsFile(options.file) : [...(options.definitions ?? [])]
  const invalid = definitions.find((definition) => !isExperimentDefinition(definition))
  if (invalid)
    throw new Error(`experiments: ${JSON.stringify(invalid).slice(0, 200)} is not a valid experiment definition`)
  const definitionsBody = JSON.stringify({ experiments: definitions })
  const alpha = options.alpha ?? 0.05
  const tauShare = options.tauShare ?? DEFAULT_TAU_SHARE
  return {
    definitionsBody,
    etag: `"${createHash('sha256').update(definitionsBody).digest('base64url').slice(0, 22)}"`,
    results(query) {
      const metric = parseMetric(query.metric ?? options.metric ?? 'errors')
      if (typeof metric === 'string') return metric
      const { payloads, trackNames } = readExperimentFacts(db)
      const conversion = query.conversion ?? options.conversion ?? trackNames[0] ?? null
      const known = new Map<string, { definition: ExperimentDefinition; definedBy: 'collector' | 'exposures' }>()
      for (const definition of definitions) known.set(definition.key, { definition, definedBy: 'collector' })
      for (const payload of payloads) {
        const definition = definitionFromExposure(payload)
        if (definition && !known.has(definition.key)) known.set(definition.key, { definition, definedBy: 'exposures' })
      }
      const rows = readExposedSessions(db, conversion ?? '', metric)
      return {
        conversion,
        metric: metric.id,
        alpha,
        trackNames,
        experiments: computeExperimentResults(rows, known, { alpha, tauShare }),
      }
    },
  }
}

function readDefinitionsFile(file: string): ExperimentDefinition[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`experiments: cannot read ${file}: ${(error as Error).message}`)
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { experiments?: unknown } | null)?.experiments
  if (!Array.isArray(list))
    throw new Error(`experiments: ${file} holds neither an array of definitions nor { "experiments": [...] }`)
  return list as ExperimentDefinition[]
}

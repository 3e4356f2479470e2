import { decodedMappings, TraceMap } from '@jridgewell/trace-mapping'

/** A map the collector can resolve frames with, or why it cannot. */
export type SourceMapCheck = { map: TraceMap; error?: undefined } | { map?: undefined; error: string }

/** Generated columns and original lines/columns past this are not from any real build. */
const MAX_POSITION = 2 ** 30
const MAPPINGS_CHARS = /^[A-Za-z0-9+/,;]*$/

const isText = (value: unknown): value is string => typeof value === 'string'

/**
 * Parses and checks a source map (version 3, not an index map with `sections`) before it is stored or used:
 * `sources`, `names` and `sourcesContent` of the right types, `mappings` made of base64 VLQ only, and every
 * decoded segment pointing at a source and name that exist, at non-negative positions. A map that fails gets
 * one message naming what is wrong; nothing about it is kept.
 *
 * @example
 * const { map, error } = validateSourceMap(text)
 * if (error) return sendJson(res, 400, { error: 'invalid_source_map', message: error })
 */
export function validateSourceMap(text: string): SourceMapCheck {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { error: `the body is not JSON: ${(error as Error).message.slice(0, 200)}` }
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return { error: 'a source map is a JSON object' }
  const raw = json as Record<string, unknown>
  if ('sections' in raw)
    return { error: 'index maps (with "sections") are not supported: upload the flattened map of each file' }
  if (raw.version !== 3) return { error: `"version" must be 3 (got ${JSON.stringify(raw.version)?.slice(0, 20)})` }
  if (!Array.isArray(raw.sources) || !raw.sources.every((source) => source === null || isText(source)))
    return { error: '"sources" must be an array of strings' }
  if (raw.names !== undefined && (!Array.isArray(raw.names) || !raw.names.every(isText)))
    return { error: '"names" must be an array of strings' }
  if (
    raw.sourcesContent !== undefined &&
    (!Array.isArray(raw.sourcesContent) || !raw.sourcesContent.every((source) => source === null || isText(source)))
  ) {
    return { error: '"sourcesContent" must be an array of strings or nulls' }
  }
  if (raw.sourceRoot !== undefined && raw.sourceRoot !== null && !isText(raw.sourceRoot))
    return { error: '"sourceRoot" must be a string' }
  if (!isText(raw.mappings)) return { error: '"mappings" must be a string' }
  if (!MAPPINGS_CHARS.test(raw.mappings))
    return { error: '"mappings" holds characters that are not base64 VLQ, "," or ";"' }
  let map: TraceMap
  try {
    map = new TraceMap(raw as unknown as ConstructorParameters<typeof TraceMap>[0])
    const sources = raw.sources.length
    const names = (raw.names as unknown[] | undefined)?.length ?? 0
    const lines = decodedMappings(map)
    for (let line = 0; line < lines.length; line++) {
      for (const segment of lines[line]!) {
        const problem = checkSegment(segment, sources, names)
        if (problem) return { error: `"mappings" line ${line + 1}: ${problem}` }
      }
    }
  } catch (error) {
    return { error: `"mappings" cannot be decoded: ${(error as Error).message.slice(0, 200)}` }
  }
  return { map }
}

function checkSegment(segment: readonly number[], sources: number, names: number): string | undefined {
  const [column, source, line, sourceColumn, name] = segment
  if (!inRange(column!, MAX_POSITION)) return `generated column ${column} is out of range`
  if (segment.length === 1) return undefined
  if (segment.length !== 4 && segment.length !== 5) return `a segment has ${segment.length} fields`
  if (!inRange(source!, sources)) return `source index ${source} is out of range (${sources} sources)`
  if (!inRange(line!, MAX_POSITION) || !inRange(sourceColumn!, MAX_POSITION))
    return `original position ${line}:${sourceColumn} is out of range`
  if (segment.length === 5 && !inRange(name!, names)) return `name index ${name} is out of range (${names} names)`
  return undefined
}

function inRange(value: number, end: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < end
}

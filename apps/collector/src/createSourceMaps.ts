import { readFileSync, statSync } from 'node:fs'
import { join, resolve, sep } from 'node:path'
import type { TraceMap } from '@jridgewell/trace-mapping'
import type { Database } from 'better-sqlite3'
import { symbolicateFrames, type LooseFrame } from './symbolicateFrames'
import type { StoredEvent } from './types'
import { validateSourceMap } from './validateSourceMap'

export interface SourceMapsOptions {
  /** A directory of maps named like the built assets (`main-023OTBM6.js.map`), used for any release. */
  dir?: string
  /** Largest map accepted, uploaded or read from `dir`. */
  maxBytes: number
  log?: (message: string) => void
}

/** Why an upload was refused: the HTTP status, an error code and a message naming the problem. */
export interface UploadRefusal {
  status: number
  error: string
  message: string
}

export type SourceMaps = ReturnType<typeof createSourceMaps>

/** Parsed maps kept in memory (each can be megabytes). */
const CACHED_MAPS = 8
/** Exceptions of one event resolved (an `AggregateError` or a `cause` chain may list more). */
const MAX_EXCEPTIONS = 10
const FILE_NAME = /^[A-Za-z0-9_~@+-][A-Za-z0-9._~@+-]{0,199}$/
const RELEASE = /^[\x21-\x7e][\x20-\x7e]{0,199}$/

/**
 * The last path segment of a script URL or path (query and fragment cut off), when it is a plain file name:
 * the key a frame and a map meet on. Undefined for anything that could name another directory.
 *
 * @example
 * assetName('https://app.example/assets/main-023OTBM6.js?v=2') // 'main-023OTBM6.js'
 * assetName('../../etc/passwd')                                // undefined for uploads (see `upload`), 'passwd' never
 * reaches the disk unchecked
 */
export function assetName(file: string): string | undefined {
  const path = file.replace(/[?#].*$/s, '')
  const name = path.slice(path.lastIndexOf('/') + 1)
  return FILE_NAME.test(name) ? name : undefined
}

/**
 * Source maps per release and file: uploaded ones (stored in SQLite, replaced by a new upload of the same
 * release and file) and, for any release, those in `dir`. Maps are validated before they are stored or used,
 * never fetched from a URL, and parsed at most once while they stay among the last few used. Resolves the
 * frames of stored `exception` events and of the top-errors list, keeping the minified positions beside the
 * original ones; the release of an event is its payload's `release`, else its session's (from the batch context).
 *
 * @example
 * const maps = createSourceMaps(db, { dir: 'dist/assets', maxBytes: 16 * 1024 * 1024 })
 * maps.upload('2.0.3', 'https://app.example/assets/main-1.js', text, Date.now()) // undefined, or an UploadRefusal
 * maps.symbolicateEvent(event)
 */
export function createSourceMaps(db: Database, options: SourceMapsOptions) {
  const upsert = db.prepare(
    `INSERT INTO source_maps (release, file, bytes, uploaded_at, map) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (release, file) DO UPDATE SET bytes = excluded.bytes, uploaded_at = excluded.uploaded_at, map = excluded.map`,
  )
  const select = db.prepare<{ map: string }>('SELECT map FROM source_maps WHERE release = ? AND file = ?')
  const sessionRelease = db.prepare<{ release: string }>('SELECT release FROM session_releases WHERE session_id = ?')
  const latestOfGroup = db.prepare<{ session_id: string; release: unknown }>(
    "SELECT v.session_id, json_extract(v.payload, '$.release') AS release FROM errors e JOIN events v ON v.id = e.event_id WHERE e.fingerprint = ?",
  )
  const dir = options.dir ? resolve(options.dir) : undefined
  const cache = new Map<string, TraceMap | null>()

  function remember(key: string, map: TraceMap | null): TraceMap | undefined {
    cache.delete(key)
    cache.set(key, map)
    if (cache.size > CACHED_MAPS) cache.delete(cache.keys().next().value!)
    return map ?? undefined
  }

  function fromDatabase(release: string, name: string): TraceMap | undefined {
    const key = `${release}\n${name}`
    const cached = cache.get(key)
    if (cached !== undefined) return remember(key, cached)
    const row = select.get(release, name)
    if (!row) return undefined
    // Validated when uploaded; checked again in case the file was edited by hand.
    const { map, error } = validateSourceMap(row.map)
    if (error) options.log?.(`source map ${name} of release ${release} is unusable: ${error}`)
    return remember(key, map ?? null)
  }

  function fromDirectory(name: string): TraceMap | undefined {
    if (!dir) return undefined
    const key = `\n${name}`
    const cached = cache.get(key)
    if (cached !== undefined) return remember(key, cached)
    const path = join(dir, `${name}.map`)
    if (!path.startsWith(dir + sep)) return undefined
    let size: number
    try {
      size = statSync(path).size
    } catch {
      return undefined
    }
    if (size > options.maxBytes) {
      options.log?.(`source map ${path} is ${size} bytes, over the ${options.maxBytes}-byte limit: not used`)
      return remember(key, null)
    }
    const { map, error } = validateSourceMap(readFileSync(path, 'utf8'))
    if (error) options.log?.(`source map ${path} is unusable: ${error}`)
    return remember(key, map ?? null)
  }

  function lookup(release: string | undefined) {
    return (file: string): TraceMap | undefined => {
      const name = assetName(file)
      if (!name) return undefined
      return (release !== undefined ? fromDatabase(release, name) : undefined) ?? fromDirectory(name)
    }
  }

  function releaseOf(release: unknown, sessionId: string): string | undefined {
    if (typeof release === 'string' && RELEASE.test(release)) return release
    return sessionRelease.get(sessionId)?.release
  }

  function symbolicateExceptions(exceptions: unknown, release: string | undefined): unknown {
    if (!Array.isArray(exceptions)) return exceptions
    const find = lookup(release)
    return exceptions.map((entry: unknown, index) => {
      if (
        index >= MAX_EXCEPTIONS ||
        !entry ||
        typeof entry !== 'object' ||
        !Array.isArray((entry as { frames?: unknown }).frames)
      )
        return entry
      const frames = (entry as { frames: unknown[] }).frames.map((frame) =>
        frame && typeof frame === 'object' ? (frame as LooseFrame) : {},
      )
      return { ...entry, frames: symbolicateFrames(frames, find) }
    })
  }

  return {
    /**
     * Validates and stores one map for `release` and the asset `file` (URL or path; matched by its file name).
     * Returns undefined when stored, else why not (nothing is stored then).
     */
    upload(release: string | null, file: string | null, text: string, now: number): UploadRefusal | undefined {
      if (!release || !RELEASE.test(release)) {
        return {
          status: 400,
          error: 'invalid_release',
          message: 'pass ?release= (1 to 200 printable ASCII characters, the release the SDK is configured with)',
        }
      }
      const name = file && !/\.\.|\\|\0/.test(file) ? assetName(file) : undefined
      if (!file || !name) {
        return {
          status: 400,
          error: 'invalid_file',
          message:
            'pass ?file= the URL or path of the built asset, ending in a plain file name (letters, digits, ".", "_", "-", "~", "@", "+"; no "..", no "\\")',
        }
      }
      const { map, error } = validateSourceMap(text)
      if (!map) return { status: 400, error: 'invalid_source_map', message: error }
      upsert.run(release, name, Buffer.byteLength(text), now, text)
      remember(`${release}\n${name}`, map)
      return undefined
    },

    /** The event with `original` positions added to the frames of its exceptions (other events unchanged). */
    symbolicateEvent(event: StoredEvent): StoredEvent {
      if (event.type !== 'exception' || !Array.isArray(event.payload.exceptions)) return event
      const release = releaseOf(event.payload.release, event.sessionId)
      return {
        ...event,
        payload: { ...event.payload, exceptions: symbolicateExceptions(event.payload.exceptions, release) },
      }
    },

    /** A top-errors entry (its latest event's frames) with `original` positions added and its `release`. */
    symbolicateGroup<T extends { fingerprint: string; frames: readonly object[] }>(group: T): T & { release?: string } {
      const row = latestOfGroup.get(group.fingerprint)
      if (!row) return group
      const release = releaseOf(row.release, row.session_id)
      return {
        ...group,
        release,
        frames: symbolicateFrames(group.frames as LooseFrame[], lookup(release)) as unknown as T['frames'],
      }
    },
  }
}

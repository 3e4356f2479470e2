import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import Database from 'better-sqlite3'
import { build } from 'esbuild'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startCollector } from './startCollector'
import { isWasmFrame } from './symbolicateFrames'
import { batch, event, getJson, post, tempDir } from './testServer.test-helper'
import type { Collector, CollectorOptions } from './types'

const UPLOAD_TOKEN = 'upload-token-0123456789'
const ASSET_URL = 'http://127.0.0.1:8080/assets/main-TEST1234.js'

// A small app: the error is thrown on line 3 of src/draw.ts, called from line 9 (renderFrame).
const SOURCE = `export function drawStroke(points: number[]): number {
  if (points.length > 2) {
    throw new Error('stroke too long: ' + points.length)
  }
  return points.length
}

function renderFrame(strokes: number[][]): number {
  let total = 0; for (const stroke of strokes) total += drawStroke(stroke)
  return total
}

;(globalThis as any).run = () => renderFrame([[1], [1, 2, 3]])
`

interface Built {
  code: string
  map: string
  frames: { function: string; file: string; line: number; column: number; inApp: boolean }[]
}

/**
 * Builds SOURCE with esbuild (minified, external map), runs it in a VM as if loaded from ASSET_URL, and reads the real
 * stack.
 */
async function buildAndThrow(dir: string): Promise<Built> {
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'src', 'draw.ts'), SOURCE)
  const result = await build({
    entryPoints: [join(dir, 'src', 'draw.ts')],
    outfile: join(dir, 'dist', 'main-TEST1234.js'),
    bundle: true,
    format: 'iife',
    minify: true,
    sourcemap: 'external',
    write: false,
    logLevel: 'silent',
  })
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))!.text
  const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'))!.text
  const sandbox: Record<string, any> = {}
  runInNewContext(code, sandbox, { filename: ASSET_URL })
  let stack = ''
  try {
    sandbox.run()
  } catch (error) {
    stack = String((error as Error).stack)
  }
  const frames = [...stack.matchAll(/^\s+at (?:(.+?) \()?(\S+):(\d+):(\d+)\)?$/gm)]
    .filter((match) => match[2] === ASSET_URL)
    .map((match) => ({
      function: match[1] ?? '?',
      file: match[2]!,
      line: Number(match[3]),
      column: Number(match[4]),
      inApp: true,
    }))
  return { code, map, frames }
}

const exception = (frames: object[], payload: Record<string, unknown> = {}) =>
  event({
    type: 'exception',
    category: 'crash',
    payload: {
      exceptions: [{ type: 'Error', message: 'stroke too long: 3', frames }],
      fingerprint: 'fp-draw',
      count: 1,
      ...payload,
    },
  })

const upload = (url: string, query: string, body: string, token: string | null = UPLOAD_TOKEN) =>
  fetch(`${url}/v1/sourcemaps?${query}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body,
  })

describe('source-map symbolication', () => {
  let tmp: ReturnType<typeof tempDir>
  let collector: Collector | undefined
  let built: Built

  beforeAll(async () => {
    const dir = tempDir()
    built = await buildAndThrow(dir.dir)
    dir.cleanup()
  })
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(async () => {
    await collector?.close()
    collector = undefined
    tmp.cleanup()
  })

  const start = async (options: CollectorOptions = {}) =>
    (collector = await startCollector({ port: 0, dbPath: tmp.db, uploadToken: UPLOAD_TOKEN, ...options }))
  const storedMaps = () => {
    const db = new Database(tmp.db, { readonly: true })
    try {
      return db.prepare('SELECT release, file FROM source_maps').all()
    } finally {
      db.close()
    }
  }

  it('the minified build really throws from one line of minified code', () => {
    expect(built.code.split('\n').filter(Boolean)).toHaveLength(1)
    expect(built.frames.length).toBeGreaterThanOrEqual(2)
    expect(built.frames[0]!.line).toBe(1)
  })

  it("shows an uploaded release map's original file, line and function beside the minified frame in /v1/events and the top errors", async () => {
    const { url } = await start()
    const stored = await upload(url, `release=2.0.3&file=${encodeURIComponent('assets/main-TEST1234.js')}`, built.map)
    expect(stored.status).toBe(201)
    expect(await stored.json()).toEqual({
      release: '2.0.3',
      file: 'main-TEST1234.js',
      bytes: Buffer.byteLength(built.map),
    })
    await post(`${url}/v1/batch`, batch([exception(built.frames, { release: '2.0.3' })]))

    const [stored0] = (await getJson(`${url}/v1/events?type=exception`)).events
    const frames = stored0.payload.exceptions[0].frames
    expect(frames[0]).toMatchObject({
      file: ASSET_URL,
      line: 1,
      column: built.frames[0]!.column,
      original: { file: 'src/draw.ts', line: 3, function: 'drawStroke' },
    })
    expect(frames[1]).toMatchObject({
      file: ASSET_URL,
      line: 1,
      original: { file: 'src/draw.ts', line: 9, function: 'renderFrame' },
    })

    const stats = await getJson(`${url}/v1/stats`)
    expect(stats.topErrors[0]).toMatchObject({ fingerprint: 'fp-draw', release: '2.0.3' })
    expect(stats.topErrors[0].frames[0]).toMatchObject({
      file: ASSET_URL,
      line: 1,
      original: { file: 'src/draw.ts', line: 3, function: 'drawStroke' },
    })
  })

  it('finds the release from the batch context when the exception does not carry one, and not for another release', async () => {
    const { url } = await start()
    await upload(url, 'release=2.0.3&file=main-TEST1234.js', built.map)
    await post(`${url}/v1/batch`, batch([exception(built.frames)], { context: { release: '2.0.3' } }))
    await post(
      `${url}/v1/batch`,
      batch(
        [exception(built.frames, { fingerprint: 'fp-old' })].map((e) => ({ ...e, sessionId: 'session-old' })),
        { context: { release: '1.0.0' } },
      ),
    )

    const events = (await getJson(`${url}/v1/events?type=exception`)).events
    const bySession = new Map(events.map((e: any) => [e.sessionId, e.payload.exceptions[0].frames[0]]))
    expect(bySession.get('session-1')).toMatchObject({ original: { file: 'src/draw.ts', line: 3 } })
    expect(bySession.get('session-old')).not.toHaveProperty('original')
  })

  it('reads maps from sourceMapsDir for any release, and leaves wasm frames with their symbols and offsets', async () => {
    const maps = join(tmp.dir, 'maps')
    mkdirSync(maps)
    writeFileSync(join(maps, 'main-TEST1234.js.map'), built.map)
    writeFileSync(join(maps, 'main.wasm.map'), built.map)
    const { url } = await start({ sourceMapsDir: maps })
    const wasm = {
      function: '<alloc::vec::Vec<T> as core::ops::drop::Drop>::drop',
      file: 'http://127.0.0.1:8080/main.wasm',
      line: 1,
      column: 4660,
      inApp: true,
      module: 'main.wasm',
      functionIndex: 12,
      offset: '0x1234',
    }
    await post(`${url}/v1/batch`, batch([exception([wasm, ...built.frames])]))

    const frames = (await getJson(`${url}/v1/events?type=exception`)).events[0].payload.exceptions[0].frames
    expect(frames[0]).toEqual(wasm)
    expect(frames[1]).toMatchObject({ original: { file: 'src/draw.ts', line: 3 } })
    // The top errors keep the wasm frame's module, function index and offset too.
    const [top] = (await getJson(`${url}/v1/stats`)).topErrors
    expect(top.frames[0]).toEqual(wasm)
    expect(top.frames[1]).toMatchObject({ original: { file: 'src/draw.ts', line: 3 } })
  })

  it('takes a frame for WebAssembly by its function index, offset, .wasm file or wasm: URL (Chromium, Firefox)', () => {
    expect(isWasmFrame({ file: 'wasm://wasm/8c5e2b1a', line: 1, column: 75 })).toBe(true)
    expect(isWasmFrame({ file: 'https://app.example/core.wasm:wasm-function[3]:0x4a' })).toBe(true)
    expect(isWasmFrame({ file: 'https://app.example/a.js', functionIndex: 3 })).toBe(true)
    expect(isWasmFrame({ file: 'https://app.example/wasm.js', line: 1, column: 2 })).toBe(false)
    expect(isWasmFrame({ file: 'https://app.example/wasm/loader.js', line: 1, column: 2 })).toBe(false)
  })

  it('refuses uploads without the token, with a wrong one, or when no token is configured, and stores nothing', async () => {
    const { url } = await start()
    for (const token of [null, 'wrong-token-0123456789']) {
      const response = await upload(url, 'release=1&file=main-TEST1234.js', built.map, token)
      expect(response.status).toBe(401)
      expect(await response.json()).toMatchObject({ error: 'unauthorized' })
    }
    await collector!.close()
    const open = await startCollector({ port: 0, dbPath: tmp.db })
    collector = open
    const response = await upload(open.url, 'release=1&file=main-TEST1234.js', built.map)
    expect(response.status).toBe(403)
    expect(await response.json()).toMatchObject({ error: 'uploads_disabled' })
    await open.close()
    collector = undefined
    expect(storedMaps()).toEqual([])
  })

  it('answers a malformed, an oversized, an absurd map and a path-traversal name with a clear error, and keeps the good map working', async () => {
    const { url } = await start({ maxSourceMapBytes: 64 * 1024 })
    expect((await upload(url, 'release=2.0.3&file=main-TEST1234.js', built.map)).status).toBe(201)
    const cases: [string, string, number, string, RegExp][] = [
      ['malformed JSON', '{"version":3,"sources":[', 400, 'invalid_source_map', /not JSON/],
      ['not a map', '{"version":2,"sources":[],"mappings":""}', 400, 'invalid_source_map', /"version" must be 3/],
      [
        'absurd mappings',
        '{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA,CZZZZ"}',
        400,
        'invalid_source_map',
        /out of range/,
      ],
      [
        'huge VLQ',
        '{"version":3,"sources":["a.ts"],"names":[],"mappings":"A//////////////A"}',
        400,
        'invalid_source_map',
        /out of range/,
      ],
      [
        'bad characters',
        '{"version":3,"sources":["a.ts"],"names":[],"mappings":"AAAA!"}',
        400,
        'invalid_source_map',
        /not base64 VLQ/,
      ],
      ['index map', '{"version":3,"sections":[]}', 400, 'invalid_source_map', /index maps/],
      [
        'huge',
        JSON.stringify({ version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA;'.repeat(20_000) }),
        413,
        'payload_too_large',
        /at most 65536 bytes/,
      ],
    ]
    for (const [name, body, status, error, message] of cases) {
      const response = await upload(url, 'release=2.0.3&file=main-TEST1234.js', body)
      expect({ name, status: response.status }).toEqual({ name, status })
      const answer = await response.json()
      expect(answer.error).toBe(error)
      expect(answer.message).toMatch(message)
    }
    for (const file of ['../../etc/passwd', '..%2F..%2Fmain.js', 'C:\\dist\\main.js', 'assets/', '']) {
      const response = await upload(url, `release=2.0.3&file=${encodeURIComponent(file)}`, built.map)
      expect({ file, status: response.status }).toEqual({ file, status: 400 })
      expect(await response.json()).toMatchObject({ error: 'invalid_file' })
    }
    const noRelease = await upload(url, 'file=main-TEST1234.js', built.map)
    expect(await noRelease.json()).toMatchObject({ error: 'invalid_release' })

    await post(`${url}/v1/batch`, batch([exception(built.frames, { release: '2.0.3' })]))
    const frames = (await getJson(`${url}/v1/events?type=exception`)).events[0].payload.exceptions[0].frames
    expect(frames[0]).toMatchObject({ original: { file: 'src/draw.ts', line: 3, function: 'drawStroke' } })
    await collector!.close()
    collector = undefined
    expect(storedMaps()).toEqual([{ release: '2.0.3', file: 'main-TEST1234.js' }])
  })

  it('never reads outside sourceMapsDir for a hostile frame file name', async () => {
    const maps = join(tmp.dir, 'maps')
    mkdirSync(maps)
    // A valid map one level up: a frame naming ../ must not reach it.
    writeFileSync(join(tmp.dir, 'outside.js.map'), built.map)
    const { url } = await start({ sourceMapsDir: maps })
    const hostile = [
      'http://x/../outside.js',
      'http://x/..%2Foutside.js',
      '../outside.js',
      '..\\outside.js',
      'outside.js/..',
    ].map((file) => ({ ...built.frames[0]!, file }))
    await post(`${url}/v1/batch`, batch([exception(hostile)]))
    const frames = (await getJson(`${url}/v1/events?type=exception`)).events[0].payload.exceptions[0].frames
    expect(frames).toEqual(hostile)
  })
})

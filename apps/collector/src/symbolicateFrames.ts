import { originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping'

/** Where a minified frame came from in the original source. Line and column are 1-based, as stacks print them. */
export interface OriginalPosition {
  file: string
  line: number
  column: number
  function: string
}

/** A frame as stored (the crash reporter's `StackFrame`), loosely typed: stored payloads hold whatever was sent. */
export type LooseFrame = Record<string, unknown>

/** Frames resolved per exception; a longer stack keeps the rest as sent. */
export const MAX_SYMBOLICATED_FRAMES = 100

/**
 * Adds `original: { file, line, column, function }` to each JS frame a source map covers, keeping the minified
 * `file`, `line`, `column` and `function` as sent. `lookup` gives the map for a frame's file (or undefined).
 * The function name is the name the caller's call site maps to (V8 and the others point a caller's frame at
 * the callee's name), else the frame's own. WebAssembly frames (a function index, a module offset, a `.wasm`
 * file or a `wasm:` URL) and frames without a position are returned unchanged.
 *
 * @example
 * symbolicateFrames([{ function: 'a', file: 'https://app/main-1.js', line: 1, column: 120, inApp: true }], (file) =>
 * maps.get(file))
 * // [{ function: 'a', file: 'https://app/main-1.js', line: 1, column: 120, inApp: true, original: { file:
 * 'src/draw.ts', line: 12, column: 11, function: 'drawStroke' } }]
 */
export function symbolicateFrames(
  frames: readonly LooseFrame[],
  lookup: (file: string) => TraceMap | undefined,
): LooseFrame[] {
  const positions = frames.slice(0, MAX_SYMBOLICATED_FRAMES).map((frame) => resolve(frame, lookup))
  return frames.map((frame, index) => {
    const position = positions[index]
    if (!position) return frame
    const callerName = positions[index + 1]?.name
    const original: OriginalPosition = {
      file: position.file,
      line: position.line,
      column: position.column,
      function: callerName ?? (typeof frame.function === 'string' ? frame.function : '?'),
    }
    return { ...frame, original }
  })
}

/** Whether a frame is WebAssembly: its symbol (name section) and module offset are already what a developer reads. */
export function isWasmFrame(frame: LooseFrame): boolean {
  return (
    typeof frame.functionIndex === 'number' ||
    typeof frame.offset === 'string' ||
    (typeof frame.file === 'string' && /^wasm:|\.wasm(?:$|[?#:])|wasm-function\[/.test(frame.file))
  )
}

function resolve(
  frame: LooseFrame,
  lookup: (file: string) => TraceMap | undefined,
): { file: string; line: number; column: number; name?: string } | undefined {
  const { file, line, column } = frame
  if (
    typeof file !== 'string' ||
    !Number.isInteger(line) ||
    !Number.isInteger(column) ||
    (line as number) < 1 ||
    (column as number) < 1 ||
    isWasmFrame(frame)
  )
    return undefined
  const map = lookup(file)
  if (!map) return undefined
  const found = originalPositionFor(map, { line: line as number, column: (column as number) - 1 })
  if (found.source === null || found.source === undefined || found.line === null || found.column === null)
    return undefined
  return { file: readablePath(found.source), line: found.line, column: found.column + 1, name: found.name ?? undefined }
}

/** `../src/draw.ts`, `webpack:///./src/draw.ts` → `src/draw.ts`: where the file sits in the project. */
function readablePath(source: string): string {
  return source.replace(/^[a-z-]+:\/\/\/?/i, '').replace(/^(?:\.\.?\/)+/, '')
}

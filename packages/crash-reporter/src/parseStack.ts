import { isExtensionUrl } from './isExtensionUrl'
import { matchesAny } from './matchesAny'
import type { StackFrame, UrlPattern } from './types'

/** Frames kept per stack: the newest, where the error happened. */
const MAX_FRAMES = 50

/**
 * Reads a stack string from V8 (Chrome, Edge, Node), SpiderMonkey (Firefox) or JavaScriptCore (Safari) into
 * frames, newest first as the string lists them: eval, anonymous, native and `async` frames, blob: and
 * webpack URLs, and WebAssembly frames (`wasm-function[42]:0x1a2b`, `<WASM>[42]+6699`, `[wasm code]`) with
 * module, function index and byte offset. A frame is in-app when its URL matches `inAppUrls` (by default:
 * any script URL outside `node_modules` and browser extensions). Never throws; unreadable lines are skipped.
 *
 * @example
 * parseStack('Error: boom\n    at draw (https://app.example/main.js:3:14)')
 * // [{ function: 'draw', file: 'https://app.example/main.js', line: 3, column: 14, inApp: true }]
 */
export function parseStack(stack: string, inAppUrls?: readonly UrlPattern[]): StackFrame[] {
  const frames: StackFrame[] = []
  const lines = String(stack).split('\n')
  const v8 = lines.some((line) => /^\s*at /.test(line))
  for (let line of lines) {
    if (frames.length >= MAX_FRAMES) break
    line = line.trim()
    let name = ''
    let location: string
    if (v8) {
      if (!line.startsWith('at ')) continue
      line = line.slice(3).replace(/^async /, '')
      const open = line.indexOf(' (')
      if (line.endsWith(')') && open > 0) {
        name = line.slice(0, open)
        location = line.slice(open + 2, -1)
      } else location = line
      // `eval at fn (https://x/a.js:1:2), <anonymous>:1:3`: the place of the eval call is what can be found.
      if (location.startsWith('eval at ')) location = /\(([^()]+)\)/.exec(location)?.[1] ?? location
    } else {
      const at = line.indexOf('@')
      if (at < 0) {
        if (!/:\d+$/.test(line)) continue
        location = line
      } else {
        name = line.slice(0, at).replace(/^async\*/, '')
        location = line.slice(at + 1)
      }
      // Firefox's `https://x/a.js line 2 > eval:1:3` (or `> WebAssembly.instantiate:wasm-function[1]:0x2a`):
      // the line that called eval or instantiate.
      location = location.replace(/ line (\d+) > [\w.]+((:\d+)+$)?/, (_, line: string, tail?: string) => (tail ? ':' + line : ''))
    }
    frames.push(createFrame(name, location, inAppUrls))
  }
  return frames
}

function createFrame(name: string, location: string, inAppUrls: readonly UrlPattern[] | undefined): StackFrame {
  const wasm =
    /^(.*?):?wasm-function\[(\d+)\]:(0x[\da-f]+)$/i.exec(location) ??
    /^()<wasm>\[(\d+)\]\+(\d+)$/i.exec(location) ??
    // Safari names the function `<?>.wasm-function[42]` and the file `[wasm code]`.
    (location == '[wasm code]' ? /()wasm-function\[(\d+)\]()/.exec(name) : null)
  const place = wasm ? null : /^(.*?):(\d+)(?::(\d+))?$/.exec(location)
  const file = wasm ? wasm[1] || location : place ? place[1]! : location
  const frame: StackFrame = {
    function: name || '?',
    file,
    line: place ? +place[2]! : undefined,
    column: place?.[3] ? +place[3] : undefined,
    inApp:
      /^(https?|blob|file|webpack(-internal)?|wasm):/.test(file) &&
      !isExtensionUrl(file) &&
      (inAppUrls ? matchesAny(file, inAppUrls) : !file.includes('/node_modules/')),
  }
  if (wasm) {
    frame.module = file.replace(/^.*\//, '')
    frame.functionIndex = +wasm[2]!
    const offset = wasm[3]
    if (offset) frame.offset = offset.startsWith('0x') ? offset : '0x' + (+offset).toString(16)
  }
  return frame
}

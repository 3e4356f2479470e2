import { isExtensionUrl } from './isExtensionUrl'
import { matchesAny } from './matchesAny'
import type { StackFrame, UrlPattern } from './types'

/** Frames kept per stack: the newest, where the error happened. */
const MAX_FRAMES = 50
/** A longer line is not a frame (a message, an inlined data: URL): skipped, which keeps the parse linear. */
const MAX_LINE_CHARS = 4096

/**
 * Reads a stack string from V8 (Chrome, Edge, Node, Electron, Opera), SpiderMonkey (Firefox, 3 to now),
 * JavaScriptCore (Safari 6 to now, React Native), Hermes or Edge/IE 10-11 into frames, newest first as the
 * string lists them: eval (as the place of the eval call), anonymous, native, `async` and extension frames,
 * any URL (blob:, data:, webpack:///…?, with spaces, parentheses or `@`), and WebAssembly frames
 * (`wasm-function[42]:0x1a2b`, `<WASM>[42]+6699`, `[wasm code]`) with module, function index and byte offset,
 * whatever the function's symbol holds (a demangled C++ or Rust name with spaces, parentheses, `<>` or `[]`).
 * A frame is in-app when its URL matches `inAppUrls` (by default: any script URL outside `node_modules` and
 * browser extensions). Never throws; unreadable lines are skipped.
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
    if (line.length > MAX_LINE_CHARS || (v8 && !line.startsWith('at '))) continue
    line = line.replace(/^at (async )?/, '')
    let name = ''
    let location = line
    // V8 puts the place in the last balanced parentheses (the name before it may hold parentheses and
    // spaces); React Native omits the space before them.
    const open = v8 ? openingParen(line) : -1
    if (open >= 0 && !(name = line.slice(0, open).trim()).endsWith(':')) location = line.slice(open + 1, -1)
    else {
      // `name@place` (SpiderMonkey, JavaScriptCore, and V8's `at fn@safari-extension:(//…)`): the first `@`
      // outside brackets, as a name may be `obj["@fn"]` and a URL `/@scope/pkg@1.2.3/`. A URL or a path is no
      // name: `https://cdn/pkg@1/a.js:1:2` is a place.
      if (open >= 0) location = name + line.slice(open + 1, -1)
      name = ''
      const at = (!v8 || open >= 0) && /^((?:[^@[]|\[[^\]]*\])*)@(.*)$/.exec(location)
      if (at && !/^\/|:\//.test(at[1]!)) {
        name = at[1]!.replace(/^async\*/, '')
        location = at[2]!
      } else if (!v8 && !/:\d+$|^\[native code\]$/.test(location)) continue
    }
    location = location
      // Chrome's `(async https://…)`, Hermes' `(address at index.android.bundle:1:2)`
      .replace(/^(async|address at) /, '')
      // Firefox's `https://x/a.js line 2 > eval line 1 > eval:1:3` (or `>
      // WebAssembly.instantiate:wasm-function[1]:0x2a`):
      // the line that called eval or instantiate.
      .replace(/ line (\d+) > [^:]*(:wasm-.*)?.*/, (_, line: string, wasm?: string) => wasm || ':' + line)
    // `eval at fn (https://x/a.js:1:2), <anonymous>:1:3`: the place of the eval call is what can be found.
    if (location.startsWith('eval at ')) location = /\(([^()]+)\)/.exec(location)?.[1] ?? location
    frames.push(createFrame(name, location, inAppUrls))
  }
  return frames
}

/** Where the parentheses that close `line` open, or -1 when it does not end with balanced ones. */
function openingParen(line: string): number {
  for (let i = line.length, depth = 0; i--; )
    if (!(depth += line[i] === ')' ? 1 : line[i] === '(' ? -1 : 0)) return line[i] === '(' ? i : -1
  return -1
}

function createFrame(name: string, location: string, inAppUrls: readonly UrlPattern[] | undefined): StackFrame {
  const wasm =
    /^(.*?):?wasm-function\[(\d+)\]:(0x[\da-f]+)$/i.exec(location) ??
    /^()<wasm>\[(\d+)\]\+(\d+)$/i.exec(location) ??
    // Safari names the function `<?>.wasm-function[42]` and the file `[wasm code]`.
    (location === '[wasm code]' ? /()wasm-function\[(\d+)\]()/.exec(name) : null)
  const place = wasm ? null : /^(.*?):(\d+)(?::(\d+))?$/.exec(location)
  const file = wasm ? wasm[1] || location : place ? place[1]! : location
  const frame: StackFrame = {
    // Firefox before 30 (no columns) printed the arguments: `bar(1)@…:13`, `()@…:44`.
    function: (place && !place[3] ? name.replace(/\(.*\)$/, '') : name) || '?',
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

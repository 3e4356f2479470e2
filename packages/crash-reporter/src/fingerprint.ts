import type { ExceptionEntry } from './types'

/**
 * What makes two errors the same error: the type, the message with its numbers and ids masked, and the
 * newest three in-app frames (any frames when none is in-app). Equal fingerprints are deduplicated.
 *
 * @example
 * fingerprint({ type: 'TypeError', message: 'item 42 missing', frames }) // 'TypeError|item #
 * missing|draw@https://…/main.js'
 */
export function fingerprint(entry: ExceptionEntry): string {
  const inApp = entry.frames.filter((frame) => frame.inApp)
  return [
    entry.type,
    entry.message.slice(0, 300).replace(/0x[\da-f]+|\d+/gi, '#'),
    // The file without its query or fragment: a cache-busting parameter is not another error, and a token or
    // email in a frame URL must not reach the fingerprint, which is sent and stored as an alert key.
    ...(inApp.length ? inApp : entry.frames)
      .slice(0, 3)
      .map((frame) => `${frame.function}@${frame.file.replace(/[?#].*/, '')}:${frame.line ?? frame.functionIndex}`),
  ].join('|')
}

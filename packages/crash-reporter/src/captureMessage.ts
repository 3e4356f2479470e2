import { deliver } from './deliver'
import type { ReporterState } from './ReporterState'
import type { Level } from './types'

/**
 * Captures a `message` event (deduplicated like errors).
 *
 * @example
 * captureMessage(state, 'sync fell back to polling', 'warning')
 */
export function captureMessage(state: ReporterState, message: string, level: Level = 'info'): void {
  message = String(message)
  deliver(state, 'message', `msg|${level}|${message.slice(0, 300)}`, () => ({ message: message.slice(0, 8192), level }))
}

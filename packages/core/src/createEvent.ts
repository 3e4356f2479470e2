import type { ConsentCategory } from './Consent'
import { createId } from './createId'
import type { CoreContext, SdkEvent } from './types'

/**
 * Builds one event for the pipeline: a fresh id, the clock's time and the context's session.
 *
 * @example
 * context.queue.push(createEvent(context, 'crash', 'exception', { message: 'boom' }))
 */
export function createEvent(
  context: Pick<CoreContext, 'clock' | 'sessionId' | 'scope'>,
  category: ConsentCategory,
  type: string,
  payload: Record<string, unknown>,
): SdkEvent {
  return {
    id: createId(context.scope),
    type,
    category,
    ts: context.clock.now(),
    sessionId: context.sessionId(),
    payload,
  }
}

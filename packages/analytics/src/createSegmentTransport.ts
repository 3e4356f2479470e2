import { createHttpTransport, type GlobalScope, type Transport, type WireEvent } from '@marco/core'
import type { IdentifyPayload, PagePayload, TrackPayload } from './events'

export interface SegmentTransportOptions {
  /** The Segment source's write key (sent as HTTP Basic auth, as Segment's HTTP API expects). */
  writeKey: string
  /** Default Segment's batch endpoint; any server that reads the Segment spec works. */
  endpoint?: string
  timeoutMs?: number
  scope?: GlobalScope
}

/** The Segment spec message for one analytics event, or `undefined` for events of other categories. */
export function toSegmentMessage(
  event: WireEvent,
  context: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (event.category !== 'analytics') return undefined
  // Every field any analytics payload may carry (`events.ts`), each optional: one destructuring serves every type.
  const { anonymousId, userId, name, properties, traits, ...rest } = event.payload as Partial<
    TrackPayload & PagePayload & IdentifyPayload
  >
  const common = {
    messageId: event.id,
    anonymousId,
    userId,
    timestamp: new Date(event.ts).toISOString(),
    context: { ...context, sessionId: event.sessionId },
  }
  if (event.type === 'track') return { ...common, type: 'track', event: name, properties }
  if (event.type === 'page')
    return { ...common, type: 'page', name, properties: { ...(properties as object), ...rest } }
  if (event.type === 'identify') return { ...common, type: 'identify', traits }
  // Sessions and pre-aggregated summaries travel as track calls named after their type.
  return { ...common, type: 'track', event: event.type, properties: rest }
}

/**
 * A `Transport` that sends analytics events as a Segment batch (`POST /v1/batch` with `track`, `page` and
 * `identify` messages carrying `messageId`, `anonymousId`, `userId`, `timestamp` and `context`), so a team
 * can send to Segment or anything that reads its spec. Use it for a queue of analytics events only: events of
 * other categories are left out of the request and counted as filtered. An encoder on core's `createHttpTransport`.
 *
 * @example
 * new AnalyticsEngine({ queueOptions: { transport: createSegmentTransport({ writeKey: 'abc' }) } })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createSegmentTransport(options: SegmentTransportOptions): Transport {
  const { writeKey, endpoint = 'https://api.segment.io/v1/batch', timeoutMs, scope } = options
  const transport = createHttpTransport({
    url: endpoint,
    headers: { 'content-type': 'application/json', authorization: `Basic ${btoa(`${writeKey}:`)}` },
    timeoutMs,
    scope,
    isRetryable: (status) => status === 429 || status >= 500,
    encode(batch) {
      const messages = batch.events.map((event) => toSegmentMessage(event, batch.context)).filter(Boolean)
      if (!messages.length) return undefined
      return {
        body: JSON.stringify({ batch: messages, sentAt: new Date(batch.sentAt).toISOString() }),
        filtered: batch.events.length - messages.length,
      }
    },
  })
  // Segment takes 500 KB per batch, and every message repeats the batch's context: a queue's default batch
  // (256 KiB of its own JSON) could exceed it, and a refused batch is dropped.
  return { send: transport.send, maxBatchEvents: 100 }
}

import type { EventSink, SdkEvent } from '@marco/core'

export interface FakeSink extends EventSink {
  readonly events: SdkEvent[]
  /** The events of one type. */
  ofType(type: string): SdkEvent[]
  clear(): void
}

/** An `EventSink` that keeps what it is given, for asserting what a feature would have sent. */
export function createFakeSink(): FakeSink {
  const events: SdkEvent[] = []
  return {
    events,
    push: (event) => void events.push(event),
    ofType: (type) => events.filter((event) => event.type === type),
    clear: () => void events.splice(0),
  }
}

import type { ConsentCategory, EventSink, SdkEvent } from '@marco/core'

export interface FakeSink extends EventSink {
  readonly events: SdkEvent[]
  /** Categories purged, in order. */
  readonly purged: ConsentCategory[]
  /** The events of one type. */
  ofType(type: string): SdkEvent[]
  purge(category: ConsentCategory): void
  clear(): void
}

/** An `EventSink` that keeps what it is given, for asserting what a feature would have sent. */
export function createFakeSink(): FakeSink {
  const events: SdkEvent[] = []
  const purged: ConsentCategory[] = []
  return {
    events,
    purged,
    push: (event) => void events.push(event),
    ofType: (type) => events.filter((event) => event.type === type),
    purge(category) {
      purged.push(category)
      const kept = events.filter((event) => event.category !== category)
      events.splice(0, events.length, ...kept)
    },
    clear: () => void events.splice(0),
  }
}

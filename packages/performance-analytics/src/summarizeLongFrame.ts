import { round } from './round'

/** A long animation frame (or a long task), with the script that took longest in it. Times in ms. */
export interface LongFrame {
  readonly durationMs: number
  /** Time in the frame's long tasks beyond 50 ms each: what delays input. */
  readonly blockingMs?: number
  /** The longest script, from `long-animation-frame` script attribution. */
  readonly script?: {
    invoker?: string
    invokerType?: string
    sourceURL?: string
    sourceFunctionName?: string
    durationMs: number
  }
}

interface ScriptTiming {
  duration: number
  invoker?: string
  invokerType?: string
  sourceURL?: string
  sourceFunctionName?: string
}

/**
 * The part of a `long-animation-frame` or `longtask` entry worth sending: duration, blocking time, and the
 * longest script's invoker (e.g. `BUTTON#save.onclick`), source URL and function.
 *
 * @example
 * new PerformanceObserver((list) => list.getEntries().forEach((e) => send(summarizeLongFrame(e)))).observe({ type:
 * 'long-animation-frame' })
 */
export function summarizeLongFrame(entry: {
  duration: number
  blockingDuration?: number
  scripts?: readonly ScriptTiming[]
}): LongFrame {
  let longest: ScriptTiming | undefined
  for (const script of entry.scripts ?? []) if (!longest || script.duration > longest.duration) longest = script
  return {
    durationMs: round(entry.duration),
    blockingMs: entry.blockingDuration,
    script: longest && {
      invoker: longest.invoker,
      invokerType: longest.invokerType,
      sourceURL: longest.sourceURL,
      sourceFunctionName: longest.sourceFunctionName,
      durationMs: round(longest.duration),
    },
  }
}

import type { WireEvent } from '@marco/core'
import type { CrashPayloads } from './types'

/** A crash payload of any type: the fields of every type, each optional (one reading serves them all). */
type AnyCrashPayload = Partial<
  CrashPayloads['exception'] &
    CrashPayloads['message'] &
    CrashPayloads['performance_issue'] &
    CrashPayloads['csp_violation']
>

/**
 * One crash event as a Sentry event: exceptions (the error last, its causes before it) with stack frames
 * oldest first, breadcrumbs, tags, user and contexts. Messages, performance issues and CSP violations
 * become message events.
 *
 * @example
 * toSentryEvent(wireEvent) // { event_id: '3b241101e2bb…', level: 'error', exception: { values: [ … ] }, … }
 */
export function toSentryEvent(event: WireEvent): Record<string, unknown> {
  const p = event.payload as AnyCrashPayload
  const exceptions = p.exceptions
  const metric = p.metric
  return {
    event_id: event.id.replace(/-/g, ''),
    timestamp: event.ts / 1000,
    platform: 'javascript',
    level: p.level === 'warning' ? 'warning' : p.level || 'error',
    release: p.release,
    environment: p.environment,
    fingerprint: [p.fingerprint],
    exception: exceptions && {
      values: exceptions
        .map((entry, i) => ({
          type: entry.type,
          value: entry.message,
          mechanism: i ? undefined : { type: p.mechanism, handled: p.handled },
          stacktrace: {
            frames: entry.frames
              .map((frame) => ({
                function: frame.function,
                filename: frame.file,
                lineno: frame.line,
                colno: frame.column,
                in_app: frame.inApp,
                instruction_addr: frame.offset,
                addr_mode: frame.offset && `rel:${frame.module}`,
              }))
              .reverse(),
          },
        }))
        .reverse(),
    },
    message: exceptions
      ? undefined
      : {
          formatted:
            p.message ??
            (metric
              ? `Performance issue: ${metric.name} ${metric.value}${metric.unit ?? ''} over ${metric.threshold}`
              : `CSP violation: ${p.directive} blocked ${p.blockedUri}`),
        },
    tags: { ...p.tags, event_type: event.type, count: String(p.count), session_id: event.sessionId },
    user: p.user,
    contexts: { ...p.contexts, metric, attribution: p.attribution, csp: p.directive && p },
    extra: p.extra,
    request: p.url && { url: p.url },
    breadcrumbs: {
      values: (p.breadcrumbs ?? []).map((crumb) => ({
        timestamp: crumb.ts! / 1000,
        category: crumb.category,
        message: crumb.message,
        level: crumb.level,
        data: crumb.data,
      })),
    },
  }
}

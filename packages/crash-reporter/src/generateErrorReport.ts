import { collectEnvironment } from './collectEnvironment'
import type { ReporterState } from './ReporterState'
import type { CrashReporterOptions, ErrorReport, ExceptionEntry } from './types'

/** The plain settings a report shows; hooks and scrub rules are only named, never copied. */
const CONFIG_KEYS: (keyof CrashReporterOptions)[] = [
  'release',
  'environment',
  'maxBreadcrumbs',
  'dedupeWindowMs',
  'maxEventsPerMinute',
  'breadcrumbs',
  'globalHandlers',
  'inAppUrls',
  'ignoreErrors',
  'denyUrls',
]

/**
 * A complete snapshot for a "report a bug" button, as JSON data and as text: the environment, the last errors
 * with their parsed stacks, the breadcrumbs, a performance snapshot (JS heap, uptime, load time, recent
 * performance issues) and the SDK's configuration without secrets (the endpoint without its query, hooks
 * by name).
 *
 * @example
 * const { text } = generateErrorReport(state)
 */
export function generateErrorReport(state: ReporterState): ErrorReport {
  const context = state.context
  const options = state.options
  const perf = context?.scope.performance as any
  const config: Record<string, any> = {
    endpoint: options.endpoint?.replace(/[?#].*/, ''),
    consent: context?.consent.get('crash'),
  }
  for (const key of CONFIG_KEYS) config[key] = options[key]
  config.hooks = ['beforeSend', 'beforeBreadcrumb'].filter((hook) => options[hook as 'beforeSend'])
  const report = JSON.parse(
    JSON.stringify({
      createdAt: new Date(context?.clock.now() ?? Date.now()).toISOString(),
      environment: collectEnvironment(context?.scope ?? {}),
      errors: state.recent,
      breadcrumbs: state.crumbs,
      performance: {
        heapUsedBytes: perf?.memory?.usedJSHeapSize,
        uptimeMs: perf?.now(),
        loadMs: perf?.getEntriesByType?.('navigation')[0]?.loadEventEnd,
        issues: state.perf.map((issue) => issue.metric),
      },
      // Patterns as their source text (a RegExp would become `{}`).
      config: JSON.parse(JSON.stringify(config, (_, value) => (value instanceof RegExp ? String(value) : value))),
    }),
  )
  const section = (title: string, rows: string[]) =>
    `\n\n${title} (${rows.length})${rows.map((row) => '\n  ' + row).join('')}`
  const pairs = (data: object) => Object.entries(data).map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
  report.text =
    `Marco error report ${report.createdAt}` +
    section('Environment', pairs(report.environment)) +
    section(
      'Errors',
      report.errors.flatMap((error: { count: number; exceptions?: ExceptionEntry[] }) =>
        (error.exceptions ?? []).flatMap((entry, i) => [
          `${i ? 'caused by' : `×${error.count}`} ${entry.type}: ${entry.message}`,
          ...entry.frames
            .slice(0, 10)
            .map((frame) => `  at ${frame.function} (${frame.file}:${frame.line ?? frame.offset})`),
        ]),
      ),
    ) +
    section(
      'Breadcrumbs',
      report.breadcrumbs.map(
        (crumb: { ts: number; category: string; message?: string; data?: object }) =>
          // A crumb a beforeBreadcrumb rebuilt may have no time (an invalid Date would throw here).
          `${Number.isFinite(crumb.ts) ? new Date(crumb.ts).toJSON() : '?'} ${crumb.category} ${crumb.message ?? JSON.stringify(crumb.data)}`,
      ),
    ) +
    section('Performance', pairs(report.performance)) +
    section('Config', pairs(report.config))
  return report
}

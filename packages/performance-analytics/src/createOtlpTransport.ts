import { createHttpTransport, type GlobalScope, type Transport } from '@marco/core'
import { toOtlpMetrics } from './toOtlpMetrics'

export interface OtlpTransportOptions {
  /** The OpenTelemetry Collector's OTLP/HTTP base, e.g. `https://otel.example.com:4318` (`/v1/metrics` is added). */
  endpoint: string
  /** Resource attributes, e.g. `{ 'service.name': 'marco-web', 'deployment.environment': 'production' }`. */
  resource?: Record<string, string | number | boolean>
  /** Extra headers (e.g. an API key). JSON bodies make the browser send a CORS preflight: allow it on the collector. */
  headers?: Record<string, string>
  timeoutMs?: number
  scope?: GlobalScope
}

/**
 * A core `Transport` that turns a batch's performance events into one OTLP/HTTP JSON
 * `ExportMetricsServiceRequest` POSTed to `/v1/metrics`, so metrics go to any OpenTelemetry Collector.
 * Events of other categories are left out and counted as filtered; a batch without performance events is
 * `sent` without a request. An encoder on core's `createHttpTransport`.
 * 2xx → `sent`; 429, 502, 503, 504 and network errors → `retry` (honouring `Retry-After`), as the OTLP spec
 * says; any other status → `dropped`.
 *
 * @example
 * const transport = createOtlpTransport({ endpoint: 'https://otel.example.com:4318', resource: { 'service.name':
 * 'marco-web' } })
 * new PerformanceAnalytics({ endpoint: 'https://otel.example.com:4318', queueOptions: { transport } })
 */
/* @__NO_SIDE_EFFECTS__ */
export function createOtlpTransport(options: OtlpTransportOptions): Transport {
  const { resource, headers, timeoutMs, scope } = options
  return createHttpTransport({
    url: /\/v1\/metrics$/.test(options.endpoint)
      ? options.endpoint
      : `${options.endpoint.replace(/\/$/, '')}/v1/metrics`,
    headers: { 'content-type': 'application/json', ...headers },
    timeoutMs,
    scope,
    // The OTLP/HTTP spec names the retryable statuses.
    isRetryable: (status) => status === 429 || (status >= 502 && status <= 504),
    encode(batch) {
      const request = toOtlpMetrics(batch, resource)
      if (!request) return undefined
      return {
        body: JSON.stringify(request),
        filtered: batch.events.filter((event) => event.category !== 'performance').length,
      }
    },
  })
}

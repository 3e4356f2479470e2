import { MarcoRuntime, type MarcoConfig } from './MarcoRuntime'

/**
 * Builds the one client (nothing starts until `start()`). A missing or malformed option gets one warning
 * with `debug: true` and a safe default, never an exception.
 *
 * @example
 * const client = createMarcoClient({
 *   endpoint: '/v1/batch',
 *   release: '2.0.3',
 *   consent: { defaults: { crash: 'granted' }, honorGlobalPrivacyControl: true },
 *   features: [new CrashReporter(), new AnalyticsEngine(), new PerformanceAnalytics()],
 * }).start()
 */
/* @__NO_SIDE_EFFECTS__ */
export function createMarcoClient(config?: MarcoConfig): MarcoRuntime {
  return new MarcoRuntime(config)
}

// The ready-made analytics worker (`@marco/workers/analytics-worker`): start it from its URL with
// `createWorkerSink({ url })`. Its one statement runs the worker side; nothing else imports this file.
import { startAnalyticsWorker } from './startAnalyticsWorker'

startAnalyticsWorker()

export type { AnalyticsWorkerApi } from './startAnalyticsWorker'

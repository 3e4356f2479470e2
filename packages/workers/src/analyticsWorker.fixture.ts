// The analytics worker as the Node tests start it with worker_threads: the same worker side as
// `@marco/workers/analytics-worker`, on the parent port; no IndexedDB in a Node thread, so memory only.
import { parentPort } from 'node:worker_threads'
import { startAnalyticsWorker } from './startAnalyticsWorker'
import type { Endpoint } from './types'

startAnalyticsWorker(parentPort as unknown as Endpoint, { storage: false })

// Runs the BUILT packages (dist, resolved through package.json like an app) against a real local server:
// the source-level tests cannot see what the build changes (bundling, private-field renaming).
// Prints one JSON line: what the server received. Used by scripts/dist.test.ts.
import { createServer } from 'node:http'
import { createId, EventQueue } from '@marco/core'
import { AnalyticsEngine } from '@marco/analytics'
import { CrashReporter } from '@marco/crash-reporter'

const received = []
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    received.push(JSON.parse(body))
    res.writeHead(200).end('{}')
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const endpoint = `http://127.0.0.1:${server.address().port}/v1/batch`
const timer = setTimeout(() => process.exit(3), 20_000)
try {
  const queue = new EventQueue({ endpoint, storage: false })
  queue.push({
    id: createId(),
    type: 'ping',
    category: 'performance',
    ts: Date.now(),
    sessionId: 's',
    payload: { n: 1 },
  })
  await queue.flush()
  await queue.stop()

  const analytics = new AnalyticsEngine({
    endpoint,
    consent: { defaults: { analytics: 'granted' } },
    queueOptions: { storage: false },
    autoPageViews: false,
  })
  analytics.track('export', { format: 'svg' })
  analytics.trackCanvasInteraction('draw', 12)
  await analytics.stop()

  const crash = new CrashReporter({
    endpoint,
    consent: { defaults: { crash: 'granted' } },
    queueOptions: { storage: false },
    globalHandlers: false,
    breadcrumbs: false,
  })
  crash.start()
  crash.captureException(new TypeError('dist smoke'))
  await crash.flush()
  crash.stop()

  const events = received.flatMap((batch) =>
    batch.events.map((event) => ({ type: event.type, category: event.category, payload: event.payload })),
  )
  console.log(JSON.stringify({ batches: received.length, events }))
} finally {
  clearTimeout(timer)
  server.close()
}

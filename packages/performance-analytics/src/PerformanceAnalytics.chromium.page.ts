// The page the Chromium tests load: PerformanceAnalytics used alone, posting to the page's own origin; a
// layout shift that no input caused, a slow click handler, and two peer connections on demand.
import { PerformanceAnalytics, type BudgetBreach, type UserExperienceMetrics } from '@marco/performance-analytics'
import { onINP, type INPMetricWithAttribution } from 'web-vitals/attribution'

const perf = new PerformanceAnalytics({
  endpoint: '/v1/batch',
  consent: { defaults: { performance: 'granted' } },
  queueOptions: { storageName: 'marco-perf-chromium-test', flushIntervalMs: 600_000 },
  summaryIntervalMs: 600_000,
  statsIntervalMs: 250,
})
let ux: UserExperienceMetrics = {}
const breaches: BudgetBreach[] = []
perf.onUserExperience((metrics) => (ux = metrics))
perf.onBudgetBreach((breach) => breaches.push(breach))
perf.monitorRealTimeMetrics()
// What web-vitals itself tells a listener of the app's own about INP: the SDK's event must say the same.
let appInp: INPMetricWithAttribution | undefined
onINP((metric) => (appInp = metric), { reportAllChanges: true })

document.body.innerHTML =
  '<nav><a id="boards" href="/boards">Boards</a></nav><main><h1>Marco</h1><p>A collaborative canvas.</p><button id="slow">Export</button></main>'
// An SPA route change: new URL, new content, after a click (what the browser counts as a soft navigation).
document.getElementById('boards')!.addEventListener('click', (event) => {
  event.preventDefault()
  history.pushState({}, '', '/boards')
  document.querySelector('main')!.innerHTML =
    `<h1>Your boards</h1><p>${'Sketches, diagrams and plans shared with your team. '.repeat(60)}</p>`
})
let shifted = false
// After the first paint, a banner pushes the content down: a layout shift no input caused.
requestAnimationFrame(() =>
  setTimeout(() => {
    const banner = document.createElement('div')
    banner.style.height = '200px'
    banner.textContent = 'Welcome back'
    document.body.prepend(banner)
    shifted = true
  }, 50),
)
document.getElementById('slow')!.addEventListener('click', function exportDrawing() {
  const end = performance.now() + 300
  while (performance.now() < end) {
    // a slow handler: 300 ms of main-thread work
  }
  this.textContent = 'Exported'
})

async function connectPeers(): Promise<void> {
  const a = new RTCPeerConnection()
  const b = new RTCPeerConnection()
  a.onicecandidate = (event) => void (event.candidate && b.addIceCandidate(event.candidate))
  b.onicecandidate = (event) => void (event.candidate && a.addIceCandidate(event.candidate))
  const channel = a.createDataChannel('ops')
  const open = new Promise((resolve) => (channel.onopen = resolve))
  await a.setLocalDescription()
  await b.setRemoteDescription(a.localDescription!)
  await b.setLocalDescription()
  await a.setRemoteDescription(b.localDescription!)
  await open
  // An operation goes over the channel, as in a session: the pair's bytesSent then counts more than the handshake.
  channel.send(JSON.stringify({ op: 'stroke', sentAt: Date.now() }))
  perf.trackPeerConnection(a)
  Object.assign(window, { peers: [a, b] })
}

Object.assign(window, {
  marcoPerf: {
    perf,
    ux: () => ux,
    breaches: () => breaches,
    shifted: () => shifted,
    connectPeers,
    appInp: () => appInp && { value: appInp.value, ...appInp.attribution, processedEventEntries: undefined },
  },
})

// @ts-check
// The collector's live dashboard: reads /v1/stats, redraws on every `update` from /v1/stream (at most once a
// second) and every 5 s regardless (the time axis moves). Plain DOM and canvas, no framework, nothing inline
// (the page runs under `script-src 'self'; style-src 'self'`). Text goes in with textContent only: payloads
// come from browsers and are not trusted.

import { axisTicks, niceScale } from './axis.js'

const COLORS = {
  good: '#0c8a4f',
  ni: '#d98a00',
  poor: '#d6333a',
  goodBand: 'rgba(12, 138, 79, 0.10)',
  niBand: 'rgba(217, 138, 0, 0.12)',
  poorBand: 'rgba(214, 51, 58, 0.10)',
  ink: '#1b1f24',
  muted: '#5f6b7a',
  grid: '#e9ecf0',
  accent: '#2459d6',
  p50: '#7aa2f7',
  p99: '#0b1f5c',
}
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
const REFRESH_MIN_MS = 1000
const REFRESH_EVERY_MS = 5000
/** Rows of the events-by-type table (any client can invent types). */
const MAX_TYPE_ROWS = 50
/** How long after a refused stream a new one is tried. */
const RECONNECT_MS = 5_000
// The collector's read token, when it has one: opened as /dashboard?token=…, sent as a header to the API
// and in the URL of the event stream (an EventSource cannot set headers).
const TOKEN = new URLSearchParams(location.search).get('token') ?? ''

/** @type {any} */
let last
let lastFetch = 0
/** @type {ReturnType<typeof setTimeout> | undefined} */
let pending

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id))

function el(/** @type {string} */ tag, /** @type {string} */ className = '', /** @type {string} */ text = '') {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text) node.textContent = text
  return node
}

function formatNumber(/** @type {number | null | undefined} */ value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US')
  return value.toFixed(digits)
}

function formatVital(/** @type {string} */ name, /** @type {number | null} */ value) {
  if (value === null || value === undefined) return '–'
  if (name === 'CLS') return value.toFixed(3)
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value).toLocaleString('en-US')} ms`
}

function ago(/** @type {number} */ ts, /** @type {number} */ now) {
  const s = Math.max(0, Math.round((now - ts) / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86400) return `${Math.round(s / 3600)} h ago`
  return new Date(ts).toLocaleString()
}

function ratingOf(/** @type {number} */ value, /** @type {[number, number]} */ [good, poor]) {
  return value <= good ? 'good' : value <= poor ? 'needs-improvement' : 'poor'
}

/** Sizes a canvas to its box at the device pixel ratio; returns its context in CSS pixels. */
function setup(/** @type {HTMLCanvasElement} */ canvas, /** @type {number | undefined} */ height) {
  const ratio = window.devicePixelRatio || 1
  const width = canvas.clientWidth || canvas.parentElement?.clientWidth || 300
  const h = height ?? Number(canvas.dataset.height || 160)
  canvas.width = Math.round(width * ratio)
  canvas.height = Math.round(h * ratio)
  canvas.style.height = `${h}px`
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
  ctx.clearRect(0, 0, width, h)
  ctx.font = FONT
  return { ctx, width, height: h }
}

/** Horizontal grid lines and y labels; returns the y mapping. */
function yAxis(
  /** @type {CanvasRenderingContext2D} */ ctx,
  /** @type {{ left: number, top: number, right: number, bottom: number }} */ box,
  /** @type {number} */ max,
  integer = false,
) {
  const scale = niceScale(max, 4, integer)
  const y = (/** @type {number} */ v) => box.bottom - (v / scale.max) * (box.bottom - box.top)
  ctx.strokeStyle = COLORS.grid
  ctx.fillStyle = COLORS.muted
  ctx.textAlign = 'right'
  ctx.textBaseline = 'middle'
  ctx.lineWidth = 1
  for (const { value, label } of axisTicks(scale)) {
    const py = Math.round(y(value)) + 0.5
    ctx.beginPath()
    ctx.moveTo(box.left, py)
    ctx.lineTo(box.right, py)
    ctx.stroke()
    ctx.fillText(label, box.left - 6, py)
  }
  return y
}

function drawEventsPerSecond(/** @type {{ t: number, count: number }[]} */ series) {
  const { ctx, width, height } = setup(/** @type {HTMLCanvasElement} */ ($('eps')))
  const box = { left: 48, top: 8, right: width - 8, bottom: height - 22 }
  const y = yAxis(ctx, box, Math.max(1, ...series.map((p) => p.count)), true)
  const slot = (box.right - box.left) / series.length
  ctx.fillStyle = COLORS.accent
  series.forEach((point, i) => {
    if (!point.count) return
    const top = y(point.count)
    ctx.fillRect(box.left + i * slot + 1, top, Math.max(1, slot - 2), box.bottom - top)
  })
  ctx.fillStyle = COLORS.muted
  ctx.textBaseline = 'top'
  ctx.textAlign = 'center'
  for (const secondsAgo of [60, 45, 30, 15, 0]) {
    const x = box.left + ((60 - secondsAgo) / 60) * (box.right - box.left)
    ctx.textAlign = secondsAgo === 0 ? 'right' : secondsAgo === 60 ? 'left' : 'center'
    ctx.fillText(secondsAgo ? `−${secondsAgo} s` : 'now', x, box.bottom + 6)
  }
}

function drawVitals(/** @type {Record<string, any>} */ vitals) {
  const root = $('vitals')
  root.replaceChildren()
  for (const [name, v] of Object.entries(vitals)) {
    const card = el('div', 'vital')
    const title = el('h3')
    title.append(el('span', '', name), el('span', '', `${v.count.toLocaleString('en-US')} reports`))
    const p75 = v.p75 === null ? null : v.p75
    const rating = p75 === null ? 'none' : ratingOf(p75, v.thresholds)
    const big = el('div', `p75 ${rating}`, formatVital(name, p75))
    const meta = el(
      'div',
      'meta',
      v.count ? `p75 · p50 ${formatVital(name, v.p50)} · p95 ${formatVital(name, v.p95)}` : 'no reports yet',
    )
    const share = /** @type {HTMLCanvasElement} */ (el('canvas', 'chart'))
    const hist = /** @type {HTMLCanvasElement} */ (el('canvas', 'chart'))
    card.append(title, big, meta, share, hist)
    root.append(card)
    drawRatingShare(share, v.ratings, v.count)
    drawVitalHistogram(hist, name, v)
  }
}

/** One bar split into good / needs improvement / poor, with percentages. */
function drawRatingShare(
  /** @type {HTMLCanvasElement} */ canvas,
  /** @type {Record<string, number>} */ ratings,
  /** @type {number} */ count,
) {
  const { ctx, width } = setup(canvas, 26)
  const parts = [
    ['good', COLORS.good],
    ['needs-improvement', COLORS.ni],
    ['poor', COLORS.poor],
  ]
  if (!count) {
    ctx.fillStyle = COLORS.grid
    ctx.fillRect(0, 6, width, 14)
    return
  }
  let x = 0
  ctx.textBaseline = 'middle'
  ctx.textAlign = 'center'
  for (const [key, color] of parts) {
    const share = (ratings[key] ?? 0) / count
    const w = share * width
    ctx.fillStyle = color
    ctx.fillRect(x, 6, w, 14)
    if (w > 34) {
      ctx.fillStyle = '#fff'
      ctx.fillText(`${Math.round(share * 100)}%`, x + w / 2, 13.5)
    }
    x += w
  }
}

/** Histogram of a vital's values over its good / needs-improvement / poor bands, with the p75 marked. */
function drawVitalHistogram(/** @type {HTMLCanvasElement} */ canvas, /** @type {string} */ name, /** @type {any} */ v) {
  const { ctx, width, height } = setup(canvas, 110)
  const [good, poor] = v.thresholds
  const box = { left: 2, top: 4, right: width - 2, bottom: height - 18 }
  const domain = Math.max(poor * 1.4, (v.p95 ?? 0) * 1.05)
  const x = (/** @type {number} */ value) => box.left + (Math.min(value, domain) / domain) * (box.right - box.left)
  ctx.fillStyle = COLORS.goodBand
  ctx.fillRect(x(0), box.top, x(good) - x(0), box.bottom - box.top)
  ctx.fillStyle = COLORS.niBand
  ctx.fillRect(x(good), box.top, x(poor) - x(good), box.bottom - box.top)
  ctx.fillStyle = COLORS.poorBand
  ctx.fillRect(x(poor), box.top, box.right - x(poor), box.bottom - box.top)
  const bins = 28
  const counts = new Array(bins).fill(0)
  for (const value of v.values) counts[Math.min(bins - 1, Math.floor((Math.min(value, domain) / domain) * bins))]++
  const top = Math.max(1, ...counts)
  const binWidth = (box.right - box.left) / bins
  counts.forEach((count, i) => {
    if (!count) return
    const mid = ((i + 0.5) / bins) * domain
    ctx.fillStyle = mid <= good ? COLORS.good : mid <= poor ? COLORS.ni : COLORS.poor
    const h = (count / top) * (box.bottom - box.top - 4)
    ctx.fillRect(box.left + i * binWidth + 1, box.bottom - h, binWidth - 2, h)
  })
  if (v.p75 !== null) {
    const px = Math.round(x(v.p75)) + 0.5
    ctx.strokeStyle = COLORS.ink
    ctx.setLineDash([3, 2])
    ctx.beginPath()
    ctx.moveTo(px, box.top)
    ctx.lineTo(px, box.bottom)
    ctx.stroke()
    ctx.setLineDash([])
  }
  ctx.fillStyle = COLORS.muted
  ctx.textBaseline = 'top'
  ctx.font = '11px system-ui, sans-serif'
  const label = (/** @type {number} */ value) =>
    name === 'CLS' ? String(value) : value >= 1000 ? `${value / 1000} s` : `${value} ms`
  ctx.textAlign = 'left'
  ctx.fillText('0', box.left, box.bottom + 4)
  ctx.textAlign = 'center'
  ctx.fillText(label(good), x(good), box.bottom + 4)
  ctx.fillText(label(poor), x(poor), box.bottom + 4)
}

function drawFps(
  /** @type {{ bounds: number[], hist: number[], count: number, p50: number | null, p5: number | null }} */ fps,
) {
  const { ctx, width, height } = setup(/** @type {HTMLCanvasElement} */ ($('fps')))
  const box = { left: 40, top: 8, right: width - 8, bottom: height - 22 }
  const y = yAxis(ctx, box, Math.max(1, ...fps.hist), true)
  const labels = fps.hist.map((_, i) =>
    i === 0
      ? `<${fps.bounds[0]}`
      : i === fps.bounds.length
        ? `≥${fps.bounds[i - 1]}`
        : `${fps.bounds[i - 1]}–${fps.bounds[i]}`,
  )
  const slot = (box.right - box.left) / fps.hist.length
  fps.hist.forEach((count, i) => {
    const low = i === 0 ? 0 : fps.bounds[i - 1]
    ctx.fillStyle = low >= 55 ? COLORS.good : low >= 30 ? COLORS.ni : COLORS.poor
    const top = y(count)
    if (count) ctx.fillRect(box.left + i * slot + 3, top, slot - 6, box.bottom - top)
    ctx.fillStyle = COLORS.muted
    ctx.textAlign = 'center'
    ctx.textBaseline = 'top'
    ctx.fillText(labels[i], box.left + (i + 0.5) * slot, box.bottom + 6)
  })
  $('fps-note').textContent = fps.count
    ? `${fps.count.toLocaleString('en-US')} windows · median ${formatNumber(fps.p50, 1)} fps · worst 5 % below ${formatNumber(fps.p5, 1)} fps`
    : 'No frame-rate summaries yet.'
}

function drawCollab(
  /** @type {{ t: number, p50?: number, p95?: number, p99?: number }[]} */ series,
  /** @type {number | false} */ budget,
  /** @type {number} */ now,
) {
  const { ctx, width, height } = setup(/** @type {HTMLCanvasElement} */ ($('collab')))
  const box = { left: 44, top: 8, right: width - 8, bottom: height - 22 }
  const values = series.flatMap((p) => [p.p50, p.p95, p.p99]).filter((v) => typeof v === 'number')
  const max = Math.max(budget || 0, ...values, 10) * 1.1
  const y = yAxis(ctx, box, max)
  const start = now - 30 * 60_000
  const x = (/** @type {number} */ t) => box.left + ((t - start) / (now - start)) * (box.right - box.left)
  if (budget) {
    ctx.strokeStyle = COLORS.poor
    ctx.setLineDash([6, 4])
    ctx.beginPath()
    ctx.moveTo(box.left, y(budget))
    ctx.lineTo(box.right, y(budget))
    ctx.stroke()
    ctx.setLineDash([])
  }
  for (const [key, color, w] of /** @type {const} */ ([
    ['p50', COLORS.p50, 1.5],
    ['p95', COLORS.accent, 2.5],
    ['p99', COLORS.p99, 1.5],
  ])) {
    const points = series.filter((p) => typeof p[key] === 'number')
    ctx.strokeStyle = color
    ctx.fillStyle = color
    ctx.lineWidth = w
    ctx.beginPath()
    points.forEach((p, i) =>
      i ? ctx.lineTo(x(p.t), y(/** @type {number} */ (p[key]))) : ctx.moveTo(x(p.t), y(/** @type {number} */ (p[key]))),
    )
    ctx.stroke()
    if (points.length < 30)
      for (const p of points) ctx.fillRect(x(p.t) - 2, y(/** @type {number} */ (p[key])) - 2, 4, 4)
  }
  ctx.lineWidth = 1
  ctx.fillStyle = COLORS.muted
  ctx.textBaseline = 'top'
  for (const minutesAgo of [30, 20, 10, 0]) {
    ctx.textAlign = minutesAgo === 0 ? 'right' : minutesAgo === 30 ? 'left' : 'center'
    ctx.fillText(minutesAgo ? `−${minutesAgo} min` : 'now', x(now - minutesAgo * 60_000), box.bottom + 6)
  }
  if (!series.length) {
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    ctx.fillText(
      'No collaboration latency reported in the last 30 min.',
      (box.left + box.right) / 2,
      (box.top + box.bottom) / 2,
    )
  }
}

function drawErrors(/** @type {any[]} */ errors, /** @type {number} */ now) {
  const root = $('top-errors')
  root.replaceChildren()
  if (!errors.length) return root.append(el('p', 'empty', 'No errors received.'))
  for (const error of errors) {
    const row = el('div', 'error')
    const title = el('div', 'title')
    title.append(el('span', 'kind', error.kind.replace('_', ' ')), `${error.type}: ${error.message}`)
    const body = el('div')
    body.append(title, el('div', 'seen', `last ${ago(error.lastSeen, now)} · first ${ago(error.firstSeen, now)}`))
    row.append(el('div', 'count', error.count.toLocaleString('en-US')), body)
    if (error.frames.length) {
      const frames = el('ol', 'frames')
      for (const frame of error.frames.slice(0, 5)) {
        const li = el('li', frame.inApp ? 'app' : '')
        const where = `${frame.file}${frame.line !== undefined ? `:${frame.line}` : ''}${frame.column !== undefined ? `:${frame.column}` : ''}`
        // A source map resolved it: the original file and line first, the minified position after.
        const original = frame.original
        if (original)
          li.append(
            'at ',
            el('span', 'fn', original.function),
            ` ${original.file}:${original.line}:${original.column}`,
            el('span', 'minified', ` (${frame.function} ${where})`),
          )
        else li.append('at ', el('span', 'fn', frame.function), ` ${where}`)
        frames.append(li)
      }
      row.append(frames)
    }
    root.append(row)
  }
}

function drawAlerts(/** @type {any[]} */ alerts, /** @type {number} */ now) {
  const root = $('alerts')
  root.replaceChildren()
  if (!alerts.length) return root.append(el('li', 'empty', 'No alerts.'))
  for (const alert of alerts.slice(0, 8)) {
    const li = el('li')
    const head = el('div')
    head.append(el('span', 'rule', alert.rule.replace('_', ' ')), alert.message)
    const webhook = alert.webhook === null ? '' : ` · webhook ${alert.webhook}`
    li.append(head, el('div', 'when', `${ago(alert.ts, now)}${webhook}`))
    root.append(li)
  }
}

function drawTable(
  /** @type {string} */ id,
  /** @type {string[]} */ columns,
  /** @type {(string | number)[][]} */ rows,
  /** @type {string} */ empty,
) {
  const table = $(id)
  table.replaceChildren()
  if (!rows.length) {
    const tr = el('tr')
    tr.append(el('td', 'empty', empty))
    table.append(tr)
    return
  }
  const head = el('tr')
  for (const column of columns) head.append(el('th', column === 'count' ? 'num' : '', column))
  table.append(head)
  for (const row of rows) {
    const tr = el('tr')
    row.forEach((cell, i) =>
      tr.append(
        el('td', typeof cell === 'number' ? 'num' : '', typeof cell === 'number' ? cell.toLocaleString('en-US') : cell),
      ),
    )
    table.append(tr)
  }
}

function render(/** @type {any} */ stats) {
  last = stats
  const now = stats.now
  const recent = stats.eventsPerSecond.slice(-10).reduce((sum, /** @type {any} */ p) => sum + p.count, 0) / 10
  const dropped = stats.drops.reduce((sum, /** @type {any} */ d) => sum + d.count, 0)
  $('total').textContent = stats.total.toLocaleString('en-US')
  $('rate').textContent = formatNumber(recent, recent < 10 ? 1 : 0)
  $('errors').textContent = stats.topErrors.length.toLocaleString('en-US')
  $('dropped').textContent = dropped.toLocaleString('en-US')
  $('alert-count').textContent = stats.alerts.length.toLocaleString('en-US')
  drawEventsPerSecond(stats.eventsPerSecond)
  drawVitals(stats.webVitals)
  drawFps(stats.fps)
  drawCollab(stats.collaboration, stats.budgets?.collabP95Ms ?? false, now)
  drawErrors(stats.topErrors, now)
  drawAlerts(stats.alerts, now)
  drawTable(
    'drops',
    ['category', 'reason', 'count'],
    stats.drops.map((/** @type {any} */ d) => [d.category, d.status ? `${d.reason} (${d.status})` : d.reason, d.count]),
    'No drops reported.',
  )
  // Any client can invent event types: the most frequent only, and the rest in one row.
  const types = Object.entries(stats.byType).sort((a, b) => b[1] - a[1])
  const shown = types.slice(0, MAX_TYPE_ROWS)
  if (types.length > MAX_TYPE_ROWS) {
    const rest = types.slice(MAX_TYPE_ROWS)
    shown.push([`${rest.length.toLocaleString('en-US')} more types`, rest.reduce((sum, [, n]) => sum + n, 0)])
  }
  drawTable('types', ['type', 'count'], shown, 'No events yet.')
}

/** An always-valid interval as text: `+2.1 [+0.4, +3.8] ✓` (✓ when it excludes 0), or `—` before there is one. */
function formatInterval(/** @type {any} */ interval, /** @type {number} */ scale, /** @type {number} */ digits) {
  if (!interval) return '—'
  const signed = (/** @type {number} */ v) => `${v >= 0 ? '+' : ''}${(v * scale).toFixed(digits)}`
  return `${signed(interval.difference)} [${signed(interval.low)}, ${signed(interval.high)}]${interval.significant ? ' ✓' : ''}`
}

/** The results panel: one table per experiment, from /v1/experiments/results. */
function drawExperiments(/** @type {any} */ results) {
  const root = $('experiments')
  root.replaceChildren()
  if (!results.experiments.length) return root.append(el('p', 'empty', 'No experiment exposures received.'))
  for (const experiment of results.experiments) {
    const srm = experiment.sampleRatio
    const check = experiment.assignment
    root.append(
      el('h3', 'experiment', experiment.key),
      el(
        'p',
        srm.mismatch || check.mismatched ? 'srm bad' : 'srm',
        `${srm.mismatch ? '⚠ sample ratio mismatch' : 'sample ratio ok'} (χ² ${formatNumber(srm.chiSquare, 1)}, p ${Number.isFinite(srm.pValue) ? srm.pValue.toPrecision(2) : '–'}) · ` +
          `${check.mismatched} of ${check.checked} exposures disagree with the assignment hash · conversion: ${results.conversion ?? '—'} · metric: ${results.metric}`,
      ),
    )
    const table = el('table', 'table')
    const head = el('tr')
    for (const column of [
      'variant',
      'share',
      'sessions',
      'conversion',
      'Δ conversion, points',
      `${results.metric} mean`,
      `Δ ${results.metric}`,
    ])
      head.append(el('th', '', column))
    table.append(head)
    for (const variant of experiment.variants) {
      const tr = el('tr')
      const cells = [
        variant.name,
        `${(variant.share * 100).toFixed(0)} %`,
        variant.sessions.toLocaleString('en-US'),
        variant.conversionRate === null ? '—' : `${(variant.conversionRate * 100).toFixed(1)} %`,
        variant.vsControl ? formatInterval(variant.vsControl.conversion, 100, 1) : 'control',
        variant.metric.mean === null ? '—' : formatNumber(variant.metric.mean, 2),
        variant.vsControl ? formatInterval(variant.vsControl.metric, 1, 2) : 'control',
      ]
      for (const cell of cells) tr.append(el('td', '', cell))
      table.append(tr)
    }
    root.append(table)
  }
}

/**
 * The release health panel: per release sessions, crash-free share and errors per 1,000 interactions, from
 * /v1/releases.
 */
function drawReleases(/** @type {any} */ health) {
  const table = $('releases')
  const body = el('tbody')
  table.replaceChildren(body)
  if (!health.releases.length) {
    const empty = el('tr')
    empty.append(el('td', 'empty', 'No sessions received.'))
    return body.append(empty)
  }
  const head = el('tr')
  for (const [text, cls] of [
    ['release', ''],
    ['sessions', 'num'],
    ['crash-free', 'num'],
    ['errors / 1,000 interactions', 'num'],
    ['interactions', 'num'],
  ])
    head.append(el('th', cls, text))
  body.append(head)
  const threshold = health.crashFreeSessionsPercent
  for (const release of health.releases) {
    const row = el('tr')
    const rate = release.crashFreeRate * 100
    const below = typeof threshold === 'number' && rate < threshold
    row.append(
      el('td', '', release.release ?? '(no release)'),
      el('td', 'num', release.sessions.toLocaleString('en-US')),
      el('td', below ? 'num poor' : 'num', `${(Math.floor(rate * 10) / 10).toFixed(1)} %`),
      el('td', 'num', release.errorsPer1000Interactions === null ? '–' : release.errorsPer1000Interactions.toFixed(2)),
      el('td', 'num', release.interactions.toLocaleString('en-US')),
    )
    body.append(row)
  }
}

async function refresh() {
  pending = undefined
  lastFetch = Date.now()
  const headers = TOKEN ? { authorization: `Bearer ${TOKEN}` } : {}
  // Each panel on its own: one that fails (the collector went away, a value it cannot draw) leaves the others drawn.
  for (const [path, draw] of /** @type {[string, (body: any) => void][]} */ ([
    ['/v1/stats', render],
    ['/v1/experiments/results', drawExperiments],
    ['/v1/releases', drawReleases],
  ])) {
    try {
      const response = await fetch(path, { cache: 'no-store', headers })
      if (response.ok) draw(await response.json())
    } catch {
      // The next update or the 5 s refresh tries again.
    }
  }
}

/** At most one refresh per second, however many updates arrive. */
function schedule() {
  if (pending) return
  pending = setTimeout(refresh, Math.max(0, REFRESH_MIN_MS - (Date.now() - lastFetch)))
}

function connect() {
  const status = $('live')
  const source = new EventSource(TOKEN ? `/v1/stream?token=${encodeURIComponent(TOKEN)}` : '/v1/stream')
  source.addEventListener('open', () => {
    status.textContent = 'live'
    status.className = 'status on'
    schedule()
  })
  source.addEventListener('error', () => {
    status.textContent = 'reconnecting…'
    status.className = 'status off'
    // An answer that is not a stream (503 too_many_streams, 401) ends an EventSource for good: start a new one.
    if (source.readyState === EventSource.CLOSED) setTimeout(connect, RECONNECT_MS)
  })
  source.addEventListener('update', schedule)
  source.addEventListener('alert', schedule)
}

connect()
void refresh()
setInterval(schedule, REFRESH_EVERY_MS)
window.addEventListener('resize', () => last && render(last))

/**
 * Aligned plain-text tables for benchmark output: text columns left-aligned, numbers right-aligned.
 *
 * @example
 * printTable({ title: 'push()', columns: ['where', 'µs/event'], rows: [['Node', 0.02]] })
 */
export function printTable({ title, columns, rows, notes = [] }) {
  console.log(formatTable({ title, columns, rows, notes }))
}

/** The table as one string (what `printTable` prints). */
export function formatTable({ title, columns, rows, notes = [] }) {
  const cells = rows.map((row) => row.map(formatCell))
  const numeric = columns.map((_, i) =>
    rows.every((row) => row[i] === undefined || row[i] === null || typeof row[i] === 'number' || isNumberLike(row[i])),
  )
  const widths = columns.map((column, i) => Math.max(width(column), ...cells.map((row) => width(row[i] ?? ''))))
  const line = (row) =>
    row
      .map((cell, i) => (numeric[i] ? pad(cell ?? '', widths[i], 'start') : pad(cell ?? '', widths[i], 'end')))
      .join('  ')
      .trimEnd()
  const out = []
  if (title) out.push(title)
  out.push(line(columns))
  out.push(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of cells) out.push(line(row))
  for (const note of notes) out.push(`  ${note}`)
  return `${out.join('\n')}\n`
}

/**
 * A number with a sensible number of digits: integers as they are (thousands separated), otherwise 2
 * significant digits below 1, 3 below 100, none from 100 on.
 */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value)
  const abs = Math.abs(value)
  if (abs === 0) return '0'
  if (abs >= 1000 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US')
  if (abs >= 100) return value.toFixed(0)
  if (abs >= 10) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(2)
}

function formatCell(value) {
  if (value === undefined || value === null) return '–'
  return typeof value === 'number' ? formatNumber(value) : String(value)
}

function isNumberLike(value) {
  return typeof value === 'string' && /^[–~<>≤≥]?\s*-?[\d,.]+\s*(×|%|µs|ms|s|B|KB|MB)?$/.test(value)
}

// Code points, not UTF-16 units, so 'µ' and '≤' count as one column.
function width(text) {
  return [...String(text)].length
}

function pad(text, size, side) {
  const fill = ' '.repeat(Math.max(0, size - width(text)))
  return side === 'start' ? fill + text : text + fill
}

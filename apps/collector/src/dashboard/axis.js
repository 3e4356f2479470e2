// @ts-check
// The charts' y axes: a "nice" maximum and step above the data, and tick labels that say what the step is.

/**
 * A "nice" axis maximum and tick step above `max` (1, 2, 2.5 or 5 times a power of ten), about `ticks` steps.
 * `integer`: the data are counts, so the step is at least 1 (a chart of 0 or 1 events has ticks 0 and 1, not
 * 0, 0.25, 0.5, …).
 *
 * @example
 * niceScale(7) // { max: 8, step: 2 }
 * niceScale(1, 4, true) // { max: 1, step: 1 }
 */
export function niceScale(/** @type {number} */ max, ticks = 4, integer = false) {
  if (!(max > 0)) return integer ? { max: 1, step: 1 } : { max: 1, step: 0.25 }
  const raw = max / ticks
  const power = 10 ** Math.floor(Math.log10(raw))
  let step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power
  if (integer) step = Math.max(1, Math.ceil(step))
  return { max: Math.ceil(max / step - 1e-9) * step, step }
}

/**
 * The ticks of a scale, each with its label: as many decimals as the step has (0.25 → "0.25", never a
 * rounded "0" or "1" twice), thousands grouped.
 *
 * @example
 * axisTicks({ max: 0.5, step: 0.25 }).map((tick) => tick.label) // ['0.00', '0.25', '0.50']
 */
export function axisTicks(/** @type {{ max: number, step: number }} */ { max, step }) {
  const decimals = (String(Number(step.toPrecision(6))).split('.')[1] ?? '').length
  /** @type {{ value: number, label: string }[]} */
  const ticks = []
  for (let i = 0; i * step <= max + 1e-9; i++) {
    const value = i * step
    ticks.push({
      value,
      label: value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
    })
  }
  return ticks
}

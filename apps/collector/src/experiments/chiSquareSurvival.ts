/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  x -= 1
  let sum = c[0]!
  for (let i = 1; i < 9; i++) sum += c[i]! / (x + i)
  const t = x + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum)
}

/**
 * P(X ≥ x) for X chi-square distributed with `df` degrees of freedom: the regularized upper incomplete gamma
 * Q(df/2, x/2), by its series below a + 1 and its continued fraction (modified Lentz) above.
 *
 * @example
 * chiSquareSurvival(3.841, 1) // 0.05
 */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(x > 0)) return 1
  if (x === Infinity) return 0
  const a = df / 2
  const z = x / 2
  const front = Math.exp(-z + a * Math.log(z) - logGamma(a))
  if (z < a + 1) {
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 1_000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) sum += term *= z / (a + n)
    return Math.max(0, 1 - sum * front)
  }
  const tiny = 1e-300
  let b = z + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 1_000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    d = Math.abs(d) < tiny ? tiny : d
    c = b + an / c
    c = Math.abs(c) < tiny ? tiny : c
    d = 1 / d
    const step = d * c
    h *= step
    if (Math.abs(step - 1) < 1e-15) break
  }
  return Math.min(1, front * h)
}

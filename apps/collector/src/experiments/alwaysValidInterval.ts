/** What one variant's sessions sum to for one metric (a conversion is a value of 1 or 0). */
export interface MetricSums {
  /** Sessions with a value. */
  readonly n: number
  readonly sum: number
  readonly sumSquares: number
}

export interface AlwaysValidInterval {
  /** Treatment mean minus control mean. */
  readonly difference: number
  /** An always-valid confidence interval of the difference at level 1 - alpha. */
  readonly low: number
  readonly high: number
  /** The mixture likelihood ratio Λ against "no difference"; `1 / Λ` is the always-valid p-value (capped at 1). */
  readonly likelihoodRatio: number
  readonly pValue: number
  /** The interval excludes 0: the difference is significant however often the results were looked at. */
  readonly significant: boolean
}

/**
 * The mixture sequential probability ratio test (mSPRT) for a difference of two means, with a normal
 * mixture N(0, τ²) over the difference, as in Johari, Koomen, Pekelis and Walsh, "Peeking at A/B Tests: Why
 * It Matters, and What to Do About It" (KDD 2017). With θ̂ the difference of the sample means and
 * V = s²_A/n_A + s²_B/n_B its variance,
 *
 *   Λ = √(V / (V + τ²)) · exp(τ² θ̂² / (2V(V + τ²)))
 *
 * and the interval { θ : Λ(θ̂ − θ) < 1/α } is θ̂ ± √(V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V))). Its
 * coverage holds at every sample size at once, so the dashboard may be read after every session. `tau` is
 * the mixture's standard deviation in the metric's unit; undefined when an arm has fewer than 2 sessions or
 * no variance yet (no interval, not significant).
 *
 * @example
 * alwaysValidInterval({ n: 5_000, sum: 500, sumSquares: 500 }, { n: 5_000, sum: 600, sumSquares: 600 }, 0.05, 0.03)
 */
export function alwaysValidInterval(
  control: MetricSums,
  treatment: MetricSums,
  alpha: number,
  tau: number,
): AlwaysValidInterval | undefined {
  const a = meanAndVariance(control)
  const b = meanAndVariance(treatment)
  if (!a || !b) return undefined
  const v = a.variance / control.n + b.variance / treatment.n
  const t2 = tau * tau
  if (!(v > 0) || !(t2 > 0)) return undefined
  const difference = b.mean - a.mean
  const logLambda = 0.5 * Math.log(v / (v + t2)) + (t2 * difference * difference) / (2 * v * (v + t2))
  const half = Math.sqrt(((v * (v + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)))
  const likelihoodRatio = Math.exp(logLambda)
  return {
    difference,
    low: difference - half,
    high: difference + half,
    likelihoodRatio,
    pValue: Math.min(1, Math.exp(-logLambda)),
    significant: logLambda >= Math.log(1 / alpha),
  }
}

/**
 * The sample mean and (unbiased) variance of a metric's sums; undefined below 2 sessions.
 *
 * @example
 * meanAndVariance({ n: 4, sum: 2, sumSquares: 2 }) // { mean: 0.5, variance: 0.333… }
 */
export function meanAndVariance({ n, sum, sumSquares }: MetricSums): { mean: number; variance: number } | undefined {
  if (n < 2) return undefined
  const mean = sum / n
  return { mean, variance: Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) }
}

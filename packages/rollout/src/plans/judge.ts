// Judging a canary step from counts, the same way whatever measured them (the load's records on the model,
// Prometheus on a cluster): error ratios compared with Wilson score intervals, so that a step decides only
// when its sample says something, and p99 within a ratio of the stable's. Three outcomes, never two: a
// canary that got too little traffic is "inconclusive", never "pass".

/** What one version served in the step's window: the canary's and the stable's over the same window. */
export interface Sample {
  requests: number
  errors: number
  p99Ms: number
}

export interface JudgeOptions {
  /** How much worse the canary's error ratio may be than the stable's (absolute: 0.01 = 1 point). */
  tolerance: number
  /** Two-sided confidence of the intervals (0.95: z = 1.96). */
  confidence: 0.9 | 0.95 | 0.99
  /** The canary's p99 may be at most this many times the stable's… */
  maxP99Ratio: number
  /** …plus this much, so that two fast versions are not told apart by a millisecond. */
  p99SlackMs: number
  /** Below this many canary requests the step is inconclusive; default: the least with which it can pass. */
  minRequests?: number
}

export const JUDGE_DEFAULTS: JudgeOptions = {
  tolerance: 0.01,
  confidence: 0.95,
  maxP99Ratio: 1.5,
  p99SlackMs: 10,
}

export type Outcome = 'pass' | 'fail' | 'inconclusive'

export interface Verdict {
  outcome: Outcome
  /** Why, with the numbers compared. */
  reason: string
  canary: Sample & { errorRatio: number; interval: [number, number] }
  stable: Sample & { errorRatio: number; interval: [number, number] }
  /** The canary requests below which no step can pass with these options. */
  minRequests: number
}

const Z = { 0.9: 1.6449, 0.95: 1.96, 0.99: 2.5758 } as const

/** The Wilson score interval of `errors` in `requests` at confidence `z` (0 requests: [0, 1], nothing known). */
export function wilson(errors: number, requests: number, z: number): [number, number] {
  if (requests <= 0) return [0, 1]
  const p = errors / requests
  const z2 = z * z
  const centre = (p + z2 / (2 * requests)) / (1 + z2 / requests)
  const half =
    (z / (1 + z2 / requests)) * Math.sqrt((p * (1 - p)) / requests + z2 / (4 * requests * requests))
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

/**
 * The fewest requests with which a canary that failed none can show, at this confidence, that its error
 * ratio is within `tolerance` of a stable that failed none: fewer, and no step can pass.
 */
export function leastRequests(tolerance: number, confidence: JudgeOptions['confidence']): number {
  const z2 = Z[confidence] ** 2
  // Wilson's upper bound for 0 errors is z² / (n + z²); solve z² / (n + z²) ≤ tolerance for n.
  return Math.ceil((z2 * (1 - tolerance)) / tolerance)
}

/**
 * A step's verdict. fail: the canary's error ratio is worse than the stable's beyond the tolerance with
 * the confidence asked (its interval lies wholly above the stable's plus the tolerance), or its p99 is
 * over the ratio with enough requests to tell. pass: enough requests, its interval wholly below the
 * stable's ratio plus the tolerance, and p99 within the ratio. Anything else is inconclusive: wait for more.
 */
export function judge(canary: Sample, stable: Sample, options: Partial<JudgeOptions> = {}): Verdict {
  const o = { ...JUDGE_DEFAULTS, ...options }
  const z = Z[o.confidence]
  const minRequests = o.minRequests ?? leastRequests(o.tolerance, o.confidence)
  const describe = (s: Sample) => ({
    ...s,
    errorRatio: s.requests > 0 ? s.errors / s.requests : 0,
    interval: wilson(s.errors, s.requests, z),
  })
  const c = describe(canary)
  const s = describe(stable)
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`
  const numbers = `canary ${c.errors}/${c.requests} errors (${pct(c.errorRatio)}, ${Math.round(100 * o.confidence)}% interval ${pct(c.interval[0])}–${pct(c.interval[1])}), stable ${s.errors}/${s.requests} (${pct(s.errorRatio)}, ${pct(s.interval[0])}–${pct(s.interval[1])}); p99 ${c.p99Ms} vs ${s.p99Ms} ms`
  const verdict = (outcome: Outcome, why: string): Verdict => ({
    outcome,
    reason: `${why}: ${numbers}`,
    canary: c,
    stable: s,
    minRequests,
  })
  const p99Limit = s.p99Ms * o.maxP99Ratio + o.p99SlackMs
  if (c.interval[0] > s.interval[1] + o.tolerance) {
    return verdict('fail', `error ratio worse than the stable's by more than ${pct(o.tolerance)}`)
  }
  if (c.requests < minRequests) {
    return verdict(
      'inconclusive',
      `${c.requests} canary requests, fewer than the ${minRequests} a decision needs`,
    )
  }
  if (s.requests < minRequests) {
    return verdict(
      'inconclusive',
      `${s.requests} stable requests, fewer than the ${minRequests} a comparison needs`,
    )
  }
  if (c.p99Ms > p99Limit)
    return verdict('fail', `p99 over ${o.maxP99Ratio}× the stable's + ${o.p99SlackMs} ms`)
  if (c.interval[1] <= s.errorRatio + o.tolerance) return verdict('pass', 'within the tolerance')
  return verdict('inconclusive', 'not yet separable from the tolerance: more requests are needed')
}

/** Nearest-rank percentile of an unsorted list; 0 for an empty one. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? 0
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50)
}

export function sum(values: Iterable<number>): number {
  let total = 0
  for (const value of values) total += value
  return total
}

/** Rounds to `digits` decimals (figures in reports, not in computations). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** a / b, or undefined when b is 0 (a ratio that would be meaningless). */
export function ratio(a: number, b: number): number | undefined {
  return b === 0 ? undefined : a / b
}

/** Milliseconds since the harness started counting: every record and event shares this clock. */
export type Clock = () => number

export function startClock(): Clock {
  const t0 = performance.now()
  return () => performance.now() - t0
}

export function jittered(baseMs: number, jitterMs: number, random: () => number = Math.random): number {
  return Math.max(0, baseMs + (random() * 2 - 1) * jitterMs)
}

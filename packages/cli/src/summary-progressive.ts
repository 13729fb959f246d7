import { podsOf, type RolloutReport } from '@zdd/rollout'

const INDENT = '            '

/** A progressive rollout's steps, each with its last look, and its outcome in words. */
export function progressiveLines(r: RolloutReport): string[] {
  const p = r.progressive
  if (!p) return []
  const lines = [
    `  metrics   ${p.source}${p.prometheus ? ` at ${p.prometheus}` : ''}: every pod's /metrics, per version over the same window`,
  ]
  lines.push(`  traffic   ${p.mechanism}`)
  p.steps.forEach((step, i) => {
    const last = step.analyses.at(-1)
    const looks = step.analyses.length
    const what = last
      ? `${looks} look${looks === 1 ? '' : 's'}, last ${last.outcome}: ${last.reason}`
      : 'not reached'
    lines.push(
      `${i === 0 ? '  steps     ' : INDENT}${`${step.weightPercent}% (${podsOf(step)})`.padEnd(22)} ${what}`,
    )
  })
  lines.push(`  outcome   ${p.outcome.toUpperCase()}: ${p.reason}`)
  if (p.canaryAfterAbort)
    lines.push(
      `${INDENT}after the abort the canary answered ${p.canaryAfterAbort.requests} more request(s), the last ${p.canaryAfterAbort.lastAnswerMs} ms after it`,
    )
  if (p.canaryFailures > 0)
    lines.push(
      `  budget    ${p.canaryFailures} request(s) failed answered by the canary itself (its 5xx): what its users paid before the verdict; ${p.lostToShifts} lost to the traffic shifts`,
    )
  return lines
}

/** The last line: for a progressive rollout, losses are what the shifts lost, not the bad canary's answers. */
export function progressiveVerdict(r: RolloutReport): string | undefined {
  const p = r.progressive
  if (!p) return undefined
  const lost =
    p.lostToShifts === 0
      ? `ZERO LOSS to the traffic shifts: ${r.total - p.canaryFailures} of ${r.total} requests succeeded${p.canaryFailures ? `, ${p.canaryFailures} were the canary's own errors` : ''}.`
      : `LOST ${p.lostToShifts} of ${r.total} requests to the traffic shifts.`
  return lost
}

/**
 * Exit code of a progressive rollout: 3 requests were lost to the shifts, 4 it was aborted, 5 it paused
 * waiting for an operator, 0 promoted.
 */
export function progressiveExit(r: RolloutReport): number | undefined {
  const p = r.progressive
  if (!p) return undefined
  if (p.lostToShifts > 0) return 3
  return { promoted: 0, aborted: 4, paused: 5 }[p.outcome]
}

import { podsOf, type RolloutState } from '@zdd/rollout'

/** Whether the process that publishes the state still runs (the harness's rollout lives in it). */
export function publisherAlive(state: RolloutState): boolean {
  try {
    process.kill(state.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`

/** `zdd canary status` in words: where it is, the last look with its numbers, what it waits for. */
export function formatState(state: RolloutState, nowMs = Date.now()): string {
  const total = state.steps.length + 1
  const step = state.steps[state.step - 1]
  const at =
    state.step === 0
      ? 'not started'
      : state.step > state.steps.length
        ? `promotion (step ${total} of ${total})`
        : `step ${state.step} of ${total}: ${step?.weightPercent}% canary${step ? ` (${podsOf(step)})` : ''}`
  const a = state.lastAnalysis
  const lines = [
    `${state.app}: ${state.stableVersion} → ${state.canaryVersion}, ${state.phase.toUpperCase()}, ${at}`,
    `  traffic   ${state.mechanism}; steps ${state.steps.map((s) => `${s.weightPercent}%`).join(' → ')} → 100%`,
    `  source    ${state.source}, a look every ${state.decisionIntervalMs} ms`,
  ]
  if (a) {
    lines.push(
      `  last look step ${a.step}, ${Math.round((nowMs - a.window[1]) / 100) / 10} s ago: ${a.outcome.toUpperCase()}`,
      `            canary ${a.canary.errors}/${a.canary.requests} errors (${pct(a.canary.errorRatio)}, interval ${pct(a.canary.interval[0])}–${pct(a.canary.interval[1])}), p99 ${a.canary.p99Ms} ms`,
      `            stable ${a.stable.errors}/${a.stable.requests} errors (${pct(a.stable.errorRatio)}, interval ${pct(a.stable.interval[0])}–${pct(a.stable.interval[1])}), p99 ${a.stable.p99Ms} ms`,
      `            a step needs ${a.minRequests} canary requests; ${a.reason.split(':')[0]}`,
    )
  }
  if (state.reason) lines.push(`  reason    ${state.reason}`)
  lines.push(`  waiting   ${state.waitingFor}`)
  if (state.lastCommand) lines.push(`  command   ${state.lastCommand.command} by ${state.lastCommand.by}`)
  const age = Math.round((nowMs - state.updatedAtMs) / 100) / 10
  lines.push(
    `  updated   ${age} s ago by pid ${state.pid}${publisherAlive(state) ? '' : ' (that process has ended: this is its last word)'}`,
  )
  return lines.join('\n')
}

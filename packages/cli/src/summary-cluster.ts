import type { RolloutReport } from '@zdd/rollout'

/** A run on the real cluster (`--cluster`): no model parameters to show, the real ones instead. */
export function isCluster(r: RolloutReport): boolean {
  return r.parameters.backend === 'cluster'
}

export function clusterHeadline(r: RolloutReport): string {
  const p = r.parameters
  const churn = p.maxRequestsPerConnection
    ? `, connections closed after ${p.maxRequestsPerConnection} requests`
    : ''
  return `${r.strategy} on the real cluster (Kubernetes ${p.kubernetes}, ${p.overlay})${r.unprepared ? ' (UNPREPARED control)' : ''}: ${p.description}; ${p.rps} req/s over ${p.connections} connections${churn}`
}

interface UpgradeStep {
  step: string
  startMs: number
  endMs: number
  detail?: string
  sent: number
  failed: number
}

/** The upgrade demo's steps, each with what it cost users. */
export function clusterLines(r: RolloutReport): string[] {
  const steps = (r as RolloutReport & { upgrade?: UpgradeStep[] }).upgrade
  if (!steps) return []
  return steps.map(
    (s, i) =>
      `${i === 0 ? '  steps     ' : '            '}${s.step.padEnd(34)} ${((s.endMs - s.startMs) / 1000).toFixed(1).padStart(5)} s  ${String(s.failed).padStart(3)} of ${String(s.sent).padStart(5)} failed${s.detail ? `  (${s.detail})` : ''}`,
  )
}

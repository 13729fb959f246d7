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

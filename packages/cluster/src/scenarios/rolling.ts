import { rollingPlan } from '@zdd/rollout'
import { clusterBackend } from './backend.ts'
import type { ClusterScenario } from './context.ts'

/** The acceptance run: `kubectl rollout restart` of catalog (3 replicas), then of the gateway itself. */
export function rolling(roll: readonly string[] = ['catalog', 'gateway']): ClusterScenario {
  const plan = rollingPlan({
    deployments: [...roll],
    description: `kubectl rollout restart of ${roll.map((d) => `deployment/${d}`).join(', then ')}`,
  })
  return {
    name: plan.name,
    description: plan.description,
    rolled: [...roll],
    execute: (ctx) => plan.execute(clusterBackend(ctx)),
  }
}

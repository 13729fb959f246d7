import { type Backend, canaryPlan } from '@zdd/rollout'
import { clusterBackend } from './backend.ts'
import type { ClusterScenario } from './context.ts'

/**
 * k8s/overlays/canary on the cluster (replica ratio): catalog-stable (v1) and catalog-canary (v2) behind
 * one Service, 3 pods in all. The canary starts at 0 and grows by `steps` while the stable shrinks, each
 * step held `stepPauseMs` and judged on its errors; promotion rolls stable to v2 (its version label and
 * image) at full size and the canary goes back to 0. The steps are the model's (plans/canary.ts).
 */
export function canary(steps: readonly number[] = [1, 2], stepPauseMs = 5_000): ClusterScenario {
  const plan = canaryPlan({
    app: 'catalog',
    replicas: 3,
    steps,
    stepPauseMs,
    maxErrorPercent: 0,
    toVersion: 'v2',
  })
  let backend: Backend | undefined
  return {
    name: plan.name,
    overlay: 'canary',
    description: plan.description,
    rolled: ['catalog-stable', 'catalog-canary'],
    toVersion: plan.toVersion,
    async setup(ctx) {
      await clusterBackend(ctx).scale('catalog-canary', 0)
    },
    async execute(ctx) {
      backend = clusterBackend(ctx)
      await plan.execute(backend)
    },
    details: () => (backend ? plan.details(backend) : {}),
  }
}

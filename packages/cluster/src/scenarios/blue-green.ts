import { type Backend, blueGreenPlan } from '@zdd/rollout'
import { clusterBackend } from './backend.ts'
import type { ClusterScenario } from './context.ts'

/**
 * k8s/overlays/blue-green on the cluster: blue (v1) live, green (v2) beside it, each 2 pods. Under load the
 * `catalog` Service's selector moves to green (the preview Service to blue), blue is kept
 * `scaleDownDelayMs` for the connections still on it, then scaled to zero: its pods drain as any deleted
 * pod does. The steps are the model's (plans/blue-green.ts in @zdd/rollout).
 */
export function blueGreen(scaleDownDelayMs = 5_000): ClusterScenario {
  const plan = blueGreenPlan({
    service: 'catalog',
    replicas: 2,
    fromVersion: 'v1',
    toVersion: 'v2',
    scaleDownDelayMs,
    rollback: false,
  })
  let backend: Backend | undefined
  return {
    name: plan.name,
    overlay: 'blue-green',
    description: `catalog Service selector blue → green, blue scaled to 0 after ${scaleDownDelayMs / 1000} s`,
    rolled: ['catalog-blue'],
    toVersion: plan.toVersion,
    async execute(ctx) {
      backend = clusterBackend(ctx)
      await plan.execute(backend)
    },
    details: () => (backend ? plan.details(backend) : {}),
  }
}

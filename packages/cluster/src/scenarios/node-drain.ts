import { type Backend, nodeDrainPlan } from '@zdd/rollout'
import { clusterBackend } from './backend.ts'
import type { ClusterScenario } from './context.ts'

/**
 * `kubectl drain` of the node holding most catalog pods, under load, with the catalog's
 * PodDisruptionBudget (k8s/base/catalog/pdb.yaml): each eviction waits until the previous pod's
 * replacement is ready on the other node. The steps are the model's (plans/node-drain.ts). Needs
 * `zdd cluster up --nodes 2`.
 */
export function nodeDrain(nodes: readonly string[]): ClusterScenario {
  const plan = nodeDrainPlan({
    deployment: 'catalog',
    // kubectl drain retries a refused eviction after 5 s.
    setup: { nodes: [...nodes], placement: 'scheduler', pdb: 'maxUnavailable 1', evictionRetryMs: 5_000 },
  })
  let backend: Backend | undefined
  let drained: string | undefined
  return {
    name: plan.name,
    description: plan.description,
    rolled: ['catalog', 'gateway', 'recommendations-a', 'recommendations-b'],
    async execute(ctx) {
      const real = clusterBackend(ctx)
      backend = {
        ...real,
        drain: (node: string) => {
          drained = node
          return real.drain(node)
        },
      }
      await plan.execute(backend)
    },
    async cleanup(ctx) {
      if (drained) await ctx.kubectl(['uncordon', drained], { check: false })
    },
    details: () => (backend ? plan.details(backend) : {}),
  }
}

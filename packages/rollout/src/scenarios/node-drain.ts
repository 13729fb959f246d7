import { describePdb, evict, PodDisruptionBudget } from '../disruption.ts'
import { Nodes } from '../nodes.ts'
import type { RolloutOptions } from '../options.ts'
import type { Backend } from '../plans/backend.ts'
import { nodeDrainPlan } from '../plans/node-drain.ts'
import type { NodeDrainScenario } from '../scenario.ts'
import { modelBackend } from './model-backend.ts'
import type { ScenarioRunner } from './runner.ts'

export type { DrainDetails } from '../plans/node-drain.ts'

/**
 * A node drain on the model (plans/node-drain.ts): the Deployment spread over simulated nodes (or packed on
 * one), with an optional PodDisruptionBudget that refuses evictions (429) while they would take too many
 * replicas away. No version changes.
 */
export function nodeDrain(options: RolloutOptions, scenario: NodeDrainScenario): ScenarioRunner {
  const app = options.service.name
  const plan = nodeDrainPlan({
    deployment: app,
    setup: {
      nodes: Array.from({ length: scenario.nodes }, (_, i) => `node-${i + 1}`),
      placement: scenario.placement,
      pdb: scenario.pdb ? describePdb(scenario.pdb) : null,
      evictionRetryMs: scenario.evictionRetryMs,
    },
  })
  let backend: Backend | undefined
  return {
    name: plan.name,
    description: plan.description,
    toVersion: plan.toVersion,
    async setup(h) {
      const nodes = new Nodes(scenario.nodes, scenario.placement, () => h.livePods, h.events)
      const d = h.deployment(app, options.replicas, () => nodes.place())
      const pdb = scenario.pdb
        ? new PodDisruptionBudget(
            app,
            scenario.pdb,
            () => d.pods,
            () => d.spec.replicas,
          )
        : undefined
      backend = modelBackend(
        h,
        {},
        {
          nodes,
          evict: (pod, remove) => evict(pod, pdb, remove, h.events),
          retryMs: scenario.evictionRetryMs,
        },
      )
      await d.create(h.template(options.fromVersion))
      await h.waitForEndpoints(options.replicas)
    },
    execute: async () => backend && plan.execute(backend),
    details: () => (backend ? plan.details(backend) : {}),
  }
}

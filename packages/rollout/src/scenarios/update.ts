import type { Deployment } from '../deployment.ts'
import type { RolloutOptions } from '../options.ts'
import type { ScenarioRunner } from './runner.ts'

/** rolling and recreate: one Deployment updated in place with its own strategy. */
export function deploymentUpdate(options: RolloutOptions, name: 'rolling' | 'recreate'): ScenarioRunner {
  let deployment: Deployment | undefined
  return {
    name,
    description: options.strategy.type,
    toVersion: options.toVersion,
    async setup(h) {
      deployment = h.deployment(options.service.name, options.replicas)
      await deployment.create(h.template(options.fromVersion))
      await h.waitForEndpoints(options.replicas)
    },
    async execute(h) {
      h.progress.phase = 'rolling'
      await deployment?.rollout(h.template(options.toVersion))
    },
    details: () => ({}),
  }
}

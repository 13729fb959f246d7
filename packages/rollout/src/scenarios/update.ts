import type { RolloutOptions } from '../options.ts'
import type { Backend } from '../plans/backend.ts'
import { rollingPlan } from '../plans/rolling.ts'
import { modelBackend } from './model-backend.ts'
import type { ScenarioRunner } from './runner.ts'

/** rolling and recreate: one Deployment updated in place with its own strategy (plans/rolling.ts). */
export function deploymentUpdate(options: RolloutOptions, name: 'rolling' | 'recreate'): ScenarioRunner {
  const plan = rollingPlan({
    name,
    deployments: [options.service.name],
    toVersion: options.toVersion,
    description: options.strategy.type,
  })
  let backend: Backend | undefined
  return {
    name: plan.name,
    description: plan.description,
    toVersion: plan.toVersion,
    async setup(h) {
      backend = modelBackend(h)
      await h.deployment(options.service.name, options.replicas).create(h.template(options.fromVersion))
      await h.waitForEndpoints(options.replicas)
    },
    execute: async () => backend && plan.execute(backend),
    details: () => ({}),
  }
}

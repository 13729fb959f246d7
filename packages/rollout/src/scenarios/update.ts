import { rollingPlan } from '../plans/rolling.ts'
import type { RolloutOptions } from '../run/options.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import type { ScenarioRunner } from './runner.ts'

/** rolling and recreate: one Deployment updated in place with its own strategy (plans/rolling.ts). */
export function deploymentUpdate(options: RolloutOptions, name: 'rolling' | 'recreate'): ScenarioRunner {
  const plan = rollingPlan({
    name,
    deployments: [options.service.name],
    toVersion: options.toVersion,
    description: options.strategy.type,
  })
  return planRunner(plan, async (h) => {
    await startDeployment(h, options.service.name, options.fromVersion)
    return modelBackend(h)
  })
}

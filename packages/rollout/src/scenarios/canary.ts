import type { RolloutOptions } from '../options.ts'
import type { Backend } from '../plans/backend.ts'
import { canaryPlan } from '../plans/canary.ts'
import type { CanaryScenario } from '../scenario.ts'
import { modelBackend } from './model-backend.ts'
import type { ScenarioRunner } from './runner.ts'

export type { CanaryDetails, CanaryStep } from '../plans/canary.ts'

/** Replica-ratio canary on the model (plans/canary.ts): the stable created before the load, the rest the plan's. */
export function canary(options: RolloutOptions, scenario: CanaryScenario): ScenarioRunner {
  const app = options.service.name
  const plan = canaryPlan({
    app,
    replicas: options.replicas,
    steps: scenario.steps,
    stepPauseMs: scenario.stepPauseMs,
    maxErrorPercent: scenario.maxErrorPercent,
    toVersion: options.toVersion,
  })
  let backend: Backend | undefined
  return {
    name: plan.name,
    description: plan.description,
    toVersion: plan.toVersion,
    async setup(h) {
      backend = modelBackend(h, {
        [`${app}-canary`]: { version: options.toVersion, labels: { track: 'canary' } },
      })
      await h
        .deployment(`${app}-stable`, options.replicas)
        .create(h.template(options.fromVersion, { track: 'stable' }))
      await h.waitForEndpoints(options.replicas)
    },
    execute: async () => backend && plan.execute(backend),
    details: () => (backend ? plan.details(backend) : {}),
  }
}

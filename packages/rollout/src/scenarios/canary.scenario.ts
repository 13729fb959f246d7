import { type Static, Type } from '@sinclair/typebox'
import { canaryPlan } from '../plans/canary.ts'
import type { RolloutOptions } from '../run/options.ts'
import { defineScenario } from './define.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import { REPLICA_STEPS } from './replica-steps.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  steps: Type.Array(Type.Integer({ minimum: 1, maximum: 19 }), {
    description: 'canary replicas at each step, out of --replicas; "all" (promotion) always follows',
    default: [1, 2],
    minItems: 1,
    rising: true,
    rule: 'must be rising canary replica counts below the replicas, optionally ending in "all"',
    fromText: (text: string) => {
      const parts = text.split(',').map((part) => part.trim())
      if (parts.at(-1) === 'all') parts.pop()
      return parts.map((part) => (/^\d+$/.test(part) ? Number(part) : part))
    },
  }),
  stepPauseMs: Type.Integer({
    description: 'pause at each step, observing',
    default: 2000,
    minimum: 0,
    maximum: 600_000,
  }),
  maxErrorPercent: Type.Number({
    description: 'abort when a step fails more than this % of its requests',
    default: 0,
    minimum: 0,
    maximum: 100,
  }),
})

export type CanaryScenario = Static<typeof Options>

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
  return planRunner(plan, async (h) => {
    await startDeployment(h, `${app}-stable`, options.fromVersion, { track: 'stable' })
    return modelBackend(h, {
      [`${app}-canary`]: { version: options.toVersion, labels: { track: 'canary' } },
    })
  })
}

export default defineScenario({
  kind: 'canary',
  summary: 'a canary Deployment beside the stable, scaled step by step (replica ratio), then promoted',
  order: 40,
  options: Options,
  ...REPLICA_STEPS,
  runner: canary,
})

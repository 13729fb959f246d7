import type { Deployment, Placer } from '../model/deployment.ts'
import type { Backend, Plan } from '../plans/backend.ts'
import type { Harness } from '../run/harness.ts'
import type { ScenarioDetails, ScenarioRunner } from './runner.ts'

/**
 * A plan (plans/) run on the model: `prepare` creates the starting state the cluster would get from an
 * overlay and returns the model backend; the change and the report's details are the plan's, the same
 * code the real cluster runs.
 */
export function planRunner(
  plan: Plan<ScenarioDetails>,
  prepare: (h: Harness) => Promise<Backend>,
): ScenarioRunner {
  let backend: Backend | undefined
  return {
    name: plan.name,
    description: plan.description,
    toVersion: plan.toVersion,
    async setup(h) {
      backend = await prepare(h)
    },
    execute: async () => {
      if (backend) await plan.execute(backend)
    },
    details: () => (backend ? plan.details(backend) : {}),
  }
}

/** The Deployment a run starts from: the run's replicas of `version` (with `labels`), ready behind the Service. */
export async function startDeployment(
  h: Harness,
  name: string,
  version: string,
  labels: Record<string, string> = {},
  place?: Placer,
): Promise<Deployment> {
  const deployment = h.deployment(name, h.options.replicas, place)
  await deployment.create(h.template(version, labels))
  await h.waitForEndpoints(h.options.replicas)
  return deployment
}

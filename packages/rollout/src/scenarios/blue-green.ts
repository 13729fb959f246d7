import type { RolloutOptions } from '../options.ts'
import type { Backend } from '../plans/backend.ts'
import { blueGreenPlan } from '../plans/blue-green.ts'
import type { Pod } from '../pod.ts'
import type { BlueGreenScenario } from '../scenario.ts'
import { modelBackend } from './model-backend.ts'
import { previewCheck } from './preview.ts'
import type { ScenarioRunner } from './runner.ts'

export type { BlueGreenDetails } from '../plans/blue-green.ts'

/**
 * Blue-green on the model (plans/blue-green.ts): blue created and selected before the load; green, the
 * optional preview (a GET to every green pod directly, the preview Service), the switch and the scale-down
 * are the plan's, shared with the real cluster.
 */
export function blueGreen(options: RolloutOptions, scenario: BlueGreenScenario): ScenarioRunner {
  const app = options.service.name
  let backend: Backend | undefined
  const plan = blueGreenPlan({
    service: app,
    replicas: options.replicas,
    fromVersion: options.fromVersion,
    toVersion: options.toVersion,
    scaleDownDelayMs:
      scenario.scaleDownDelayMs ??
      options.propagationDelayMs + options.propagationJitterMs + options.shutdownDelayMs,
    rollback: scenario.rollback,
    ...(scenario.preview ? { beforeSwitch: preview } : {}),
  })
  let greenPods: () => Pod[] = () => []

  async function preview() {
    const result = await previewCheck(greenPods(), options.service.path, options.toVersion)
    const answers = result.checks.map(
      (c) => `${c.pod} ${c.status ?? c.error}${c.version ? ` ${c.version}` : ''}`,
    )
    backend?.events.record({
      type: 'preview-checked',
      version: options.toVersion,
      detail: answers.join(', '),
    })
    return result.ok
      ? { preview: result }
      : { preview: result, reason: `preview check failed: ${answers.join(', ')}` }
  }

  return {
    name: plan.name,
    description: plan.description,
    toVersion: plan.toVersion,
    async setup(h) {
      backend = modelBackend(h, {
        [`${app}-green`]: { version: options.toVersion, labels: { color: 'green' } },
      })
      greenPods = () => h.deployments.find((d) => d.spec.name === `${app}-green`)?.live ?? []
      h.endpoints.selectInitially({ app, color: 'blue' })
      await h
        .deployment(`${app}-blue`, options.replicas)
        .create(h.template(options.fromVersion, { color: 'blue' }))
      await h.waitForEndpoints(options.replicas)
    },
    execute: async () => backend && plan.execute(backend),
    details: () => (backend ? plan.details(backend) : {}),
  }
}

import { type Static, Type } from '@sinclair/typebox'
import type { Pod } from '../model/pod.ts'
import type { Backend } from '../plans/backend.ts'
import { blueGreenPlan } from '../plans/blue-green.ts'
import type { RolloutOptions } from '../run/options.ts'
import { defineScenario } from './define.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import { previewCheck } from './preview.ts'
import type { ScenarioRunner } from './runner.ts'

const Options = Type.Object({
  scaleDownDelayMs: Type.Optional(
    Type.Integer({
      description: 'keep blue this long after the switch (default: delay + jitter + shutdown delay)',
      minimum: 0,
      maximum: 600_000,
    }),
  ),
  preview: Type.Boolean({ description: 'check every green pod directly before switching', default: false }),
  rollback: Type.Boolean({
    description: 'after the scale-down delay, switch back to blue and stop green',
    default: false,
  }),
})

export type BlueGreenScenario = Static<typeof Options>

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

  return planRunner(plan, async (h) => {
    const green = modelBackend(h, {
      [`${app}-green`]: { version: options.toVersion, labels: { color: 'green' } },
    })
    backend = green
    greenPods = () => h.deployments.find((d) => d.spec.name === `${app}-green`)?.live ?? []
    h.endpoints.selectInitially({ app, color: 'blue' })
    await startDeployment(h, `${app}-blue`, options.fromVersion, { color: 'blue' })
    return green
  })
}

export default defineScenario({
  kind: 'blue-green',
  summary: 'green created beside blue, the Service switched at once, blue kept a while, then stopped',
  order: 30,
  options: Options,
  runner: blueGreen,
})

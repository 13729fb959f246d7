import { setTimeout as sleep } from 'node:timers/promises'
import type { Deployment } from '../deployment.ts'
import type { Harness } from '../harness.ts'
import type { RolloutOptions } from '../options.ts'
import type { BlueGreenScenario } from '../scenario.ts'
import { type PreviewResult, previewCheck } from './preview.ts'
import type { ScenarioRunner } from './runner.ts'

export interface BlueGreenDetails {
  scaleDownDelayMs: number
  preview?: PreviewResult
  /** When the selector moved to green, and back to blue on a rollback (harness clock). */
  switchedAtMs?: number
  rolledBackAtMs?: number
  /** The colour the Service selects at the end. */
  active: 'blue' | 'green'
  /** Responses from the colour that had been switched away from: keep-alive connections opened before. */
  servedByIdleColour: number
}

/**
 * Blue-green with two Deployments and one Service: green starts next to blue, is checked (optionally)
 * through the preview path, then the Service's selector moves to green in one EndpointSlice update. Blue
 * stays for the scale-down delay (routers still on the old endpoints, keep-alive connections still open)
 * and is then stopped; with rollback, the selector moves back and green is stopped instead.
 */
export function blueGreen(options: RolloutOptions, scenario: BlueGreenScenario): ScenarioRunner {
  const app = options.service.name
  const delayMs =
    scenario.scaleDownDelayMs ??
    options.propagationDelayMs + options.propagationJitterMs + options.shutdownDelayMs
  const details: BlueGreenDetails = { scaleDownDelayMs: delayMs, active: 'blue', servedByIdleColour: 0 }
  let aborted: string | undefined
  let blue: Deployment | undefined

  const select = (h: Harness, colour: 'blue' | 'green') => {
    h.endpoints.setSelector({ app, color: colour }, `${app}: color=${details.active} → color=${colour}`)
    details.active = colour
  }
  const stop = async (h: Harness, deployment: Deployment, colour: string) => {
    h.progress.phase = `${colour} down`
    await deployment.scale(0)
    await deployment.settled()
  }

  return {
    name: 'blue-green',
    description: `blue-green: selector switch, scale-down delay ${delayMs} ms${scenario.rollback ? ', then roll back' : ''}`,
    toVersion: options.toVersion,
    async setup(h) {
      h.endpoints.selectInitially({ app, color: 'blue' })
      blue = h.deployment(`${app}-blue`, options.replicas)
      await blue.create(h.template(options.fromVersion, { color: 'blue' }))
      await h.waitForEndpoints(options.replicas)
    },
    async execute(h) {
      if (!blue) return
      h.progress.phase = 'green up'
      const green = h.deployment(`${app}-green`, options.replicas)
      await green.create(h.template(options.toVersion, { color: 'green' }))
      if (scenario.preview) {
        h.progress.phase = 'preview'
        const preview = await previewCheck(green.live, options.service.path, options.toVersion)
        details.preview = preview
        const answers = preview.checks.map(
          (c) => `${c.pod} ${c.status ?? c.error}${c.version ? ` ${c.version}` : ''}`,
        )
        h.events.record({ type: 'preview-checked', version: options.toVersion, detail: answers.join(', ') })
        if (!preview.ok) {
          aborted = `preview check failed: ${answers.join(', ')}; green stopped, blue still live`
          h.events.record({ type: 'rollout-aborted', detail: aborted })
          await stop(h, green, 'green')
          return
        }
      }
      select(h, 'green')
      details.switchedAtMs = Math.round(h.clock())
      h.progress.phase = 'blue kept'
      await sleep(delayMs, undefined, { ref: false })
      if (!scenario.rollback) return stop(h, blue, 'blue')
      select(h, 'blue')
      details.rolledBackAtMs = Math.round(h.clock())
      h.progress.phase = 'green kept'
      await sleep(delayMs, undefined, { ref: false })
      await stop(h, green, 'green')
    },
    details(h) {
      // After a switch, the colour switched away from keeps answering on the connections it already holds.
      const rollback = details.rolledBackAtMs ?? Number.POSITIVE_INFINITY
      const idleVersion = (t: number) => (t >= rollback ? options.toVersion : options.fromVersion)
      const since = details.switchedAtMs ?? Number.POSITIVE_INFINITY
      details.servedByIdleColour = h.records.filter(
        (r) => r.tMs >= since && !r.failure && r.version === idleVersion(r.tMs),
      ).length
      return { blueGreen: details, ...(aborted ? { aborted } : {}) }
    },
  }
}

import { setTimeout as sleep } from 'node:timers/promises'
import type { Deployment } from '../deployment.ts'
import type { Harness } from '../harness.ts'
import type { RolloutOptions } from '../options.ts'
import { type PerVersion, perVersion, tally } from '../report.ts'
import type { CanaryScenario } from '../scenario.ts'
import type { ScenarioRunner } from './runner.ts'

export interface CanaryStep {
  /** "1 of 4", …, "all" (the promotion). */
  step: string
  canaryReplicas: number
  stableReplicas: number
  fromMs: number
  toMs: number
  total: number
  failed: number
  errorPercent: number
  /** Share of successful responses per version while the step paused (its pods already in place). */
  share: Record<string, number>
  perVersion: PerVersion
}

export interface CanaryDetails {
  steps: CanaryStep[]
  promoted: boolean
  maxErrorPercent: number
}

/**
 * Replica-ratio canary, as k8s/overlays/canary: a stable and a canary Deployment behind one Service. At
 * each step the canary grows first, then the stable shrinks (capacity never dips); the step pauses and is
 * judged on its error rate. Promotion rolls the stable to the new version at full size, then removes the
 * canary; an abort restores the stable and removes the canary.
 */
export function canary(options: RolloutOptions, scenario: CanaryScenario): ScenarioRunner {
  const app = options.service.name
  const total = options.replicas
  const details: CanaryDetails = { steps: [], promoted: false, maxErrorPercent: scenario.maxErrorPercent }
  let aborted: string | undefined
  let stable: Deployment | undefined

  const observe = (h: Harness, step: string, fromMs: number, pauseFromMs: number, d: { canary: number }) => {
    const toMs = h.clock()
    const inStep = h.records.filter((r) => r.tMs >= fromMs && r.tMs <= toMs)
    const counts = tally(inStep)
    const paused = tally(inStep.filter((r) => r.tMs >= pauseFromMs))
    const served = Object.values(paused.versions).reduce((a, b) => a + b, 0)
    const share = Object.fromEntries(
      Object.entries(paused.versions).map(([v, n]) => [
        v,
        Math.round((1000 * n) / Math.max(1, served)) / 1000,
      ]),
    )
    const result: CanaryStep = {
      step,
      canaryReplicas: d.canary,
      stableReplicas: total - d.canary,
      fromMs: Math.round(fromMs),
      toMs: Math.round(toMs),
      total: counts.total,
      failed: counts.failed,
      errorPercent: Math.round((10_000 * counts.failed) / Math.max(1, counts.total)) / 100,
      share,
      perVersion: perVersion(inStep, (pod) => h.versionOfPod(pod)),
    }
    details.steps.push(result)
    const shares = Object.entries(share).map(([v, s]) => `${v} ${Math.round(s * 100)}%`)
    h.events.record({
      type: 'canary-observed',
      detail: `${step}: ${shares.join(' ')}; ${counts.failed}/${counts.total} failed (${result.errorPercent}%)`,
    })
    return result
  }

  return {
    name: 'canary',
    description: `canary: ${scenario.steps.map((k) => `${k} of ${total}`).join(' → ')} → all`,
    toVersion: options.toVersion,
    async setup(h) {
      stable = h.deployment(`${app}-stable`, total)
      await stable.create(h.template(options.fromVersion, { track: 'stable' }))
      await h.waitForEndpoints(total)
    },
    async execute(h) {
      if (!stable) return
      const canaryDeployment = h.deployment(`${app}-canary`, 0)
      await canaryDeployment.create(h.template(options.toVersion, { track: 'canary' }))
      for (const [index, replicas] of scenario.steps.entries()) {
        const step = `${replicas} of ${total}`
        h.progress.phase = `step ${index + 1}/${scenario.steps.length + 1}`
        const fromMs = h.clock()
        h.events.record({
          type: 'canary-step',
          version: options.toVersion,
          detail: `${step} pods on ${options.toVersion}`,
        })
        await canaryDeployment.scale(replicas)
        await stable.scale(total - replicas)
        // Judge the ratio the Service actually has: the canary's endpoints in, the removed stable pods out.
        const leaving = stable.pods.filter((pod) => pod.terminating)
        await h.waitForEndpointSet(canaryDeployment.live, leaving)
        const pauseFromMs = h.clock()
        await sleep(scenario.stepPauseMs, undefined, { ref: false })
        const observed = observe(h, step, fromMs, pauseFromMs, { canary: replicas })
        if (observed.errorPercent > scenario.maxErrorPercent) {
          aborted = `canary aborted at ${step}: ${observed.failed} of ${observed.total} requests failed (${observed.errorPercent}% > ${scenario.maxErrorPercent}%); stable restored to ${total}, canary removed`
          h.events.record({ type: 'rollout-aborted', detail: aborted })
          h.progress.phase = 'abort'
          await stable.scale(total)
          await canaryDeployment.scale(0)
          await Promise.all([canaryDeployment.settled(), stable.settled()])
          return
        }
      }
      h.progress.phase = 'promote'
      const fromMs = h.clock()
      h.events.record({
        type: 'canary-step',
        version: options.toVersion,
        detail: `all: stable rolls to ${options.toVersion}`,
      })
      stable.spec.replicas = total
      // The canary goes as soon as the stable is all new and available, while the old stable pods drain.
      await stable.rollout(h.template(options.toVersion, { track: 'stable' }), false)
      await canaryDeployment.scale(0)
      await Promise.all([stable.settled(), canaryDeployment.settled()])
      details.promoted = true
      observe(h, 'all', fromMs, fromMs, { canary: 0 })
    },
    details: () => ({ canary: details, ...(aborted ? { aborted } : {}) }),
  }
}

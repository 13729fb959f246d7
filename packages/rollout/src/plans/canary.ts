import { type PerVersion, perVersion, tally } from '../run/tally.ts'
import type { Backend, Plan } from './backend.ts'

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

export interface CanaryOptions {
  /** The app; its Deployments are `<app>-stable` and `<app>-canary`. */
  app: string
  /** Pods in all, stable + canary, at every step. */
  replicas: number
  /** Canary pods at each step; promotion follows the last. */
  steps: readonly number[]
  stepPauseMs: number
  maxErrorPercent: number
  toVersion: string
}

/**
 * Replica-ratio canary, as k8s/overlays/canary: a stable and a canary Deployment behind one Service. At
 * each step the canary grows first, then the stable shrinks (capacity never dips); the step pauses and is
 * judged on its error rate. Promotion rolls the stable to the new version at full size, then removes the
 * canary; an abort restores the stable and removes the canary.
 */
export function canaryPlan(o: CanaryOptions): Plan<{ canary: CanaryDetails; aborted?: string }> {
  const details: CanaryDetails = { steps: [], promoted: false, maxErrorPercent: o.maxErrorPercent }
  const stable = `${o.app}-stable`
  const canary = `${o.app}-canary`
  let aborted: string | undefined

  const observe = (b: Backend, step: string, fromMs: number, pauseFromMs: number, canaryReplicas: number) => {
    const toMs = b.clock()
    const inStep = b.records().filter((r) => r.tMs >= fromMs && r.tMs <= toMs)
    const counts = tally(inStep)
    const paused = tally(inStep.filter((r) => r.tMs >= pauseFromMs))
    const served = Object.values(paused.versions).reduce((a, n) => a + n, 0)
    const share = Object.fromEntries(
      Object.entries(paused.versions).map(([v, n]) => [
        v,
        Math.round((1000 * n) / Math.max(1, served)) / 1000,
      ]),
    )
    const result: CanaryStep = {
      step,
      canaryReplicas,
      stableReplicas: o.replicas - canaryReplicas,
      fromMs: Math.round(fromMs),
      toMs: Math.round(toMs),
      total: counts.total,
      failed: counts.failed,
      errorPercent: Math.round((10_000 * counts.failed) / Math.max(1, counts.total)) / 100,
      share,
      perVersion: perVersion(inStep, (pod) => b.versionOfPod(pod)),
    }
    details.steps.push(result)
    const shares = Object.entries(share).map(([v, s]) => `${v} ${Math.round(s * 100)}%`)
    b.events.record({
      type: 'canary-observed',
      detail: `${step}: ${shares.join(' ')}; ${counts.failed}/${counts.total} failed (${result.errorPercent}%)`,
    })
    return result
  }

  return {
    name: 'canary',
    description: `canary: ${o.steps.map((k) => `${k} of ${o.replicas}`).join(' → ')} → all`,
    toVersion: o.toVersion,
    async execute(b) {
      for (const [index, replicas] of o.steps.entries()) {
        const step = `${replicas} of ${o.replicas}`
        b.phase(`step ${index + 1}/${o.steps.length + 1}`)
        const fromMs = b.clock()
        b.events.record({
          type: 'canary-step',
          version: o.toVersion,
          detail: `${step} pods on ${o.toVersion}`,
        })
        await b.scale(canary, replicas)
        await b.scale(stable, o.replicas - replicas)
        const pauseFromMs = b.clock()
        await b.sleep(o.stepPauseMs)
        const observed = observe(b, step, fromMs, pauseFromMs, replicas)
        if (observed.errorPercent > o.maxErrorPercent) {
          aborted = `canary aborted at ${step}: ${observed.failed} of ${observed.total} requests failed (${observed.errorPercent}% > ${o.maxErrorPercent}%); stable restored to ${o.replicas}, canary removed`
          b.events.record({ type: 'rollout-aborted', detail: aborted })
          b.phase('abort')
          await b.scale(stable, o.replicas)
          await b.scale(canary, 0)
          return
        }
      }
      b.phase('promote')
      const fromMs = b.clock()
      b.events.record({
        type: 'canary-step',
        version: o.toVersion,
        detail: `all: stable rolls to ${o.toVersion}`,
      })
      await b.roll(stable, { version: o.toVersion, replicas: o.replicas })
      await b.scale(canary, 0)
      details.promoted = true
      observe(b, 'all', fromMs, fromMs, 0)
    },
    details: () => ({ canary: details, ...(aborted ? { aborted } : {}) }),
  }
}

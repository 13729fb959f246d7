import type { Pod, PodTemplate } from './pod.ts'
import { resolveRolling, type Strategy } from './strategy.ts'

/** What a rolling update needs of its Deployment (deployment.ts): its spec, its pods, and pod creation. */
export interface RollingTarget {
  readonly spec: { replicas: number; minReadyMs: number; strategy: Strategy }
  readonly live: Pod[]
  createPod(template: PodTemplate): Promise<Pod>
  deletePod(pod: Pod): unknown
  until(condition: () => boolean, what: string): Promise<void>
}

/**
 * RollingUpdate as the Deployment controller computes it: the new ReplicaSet grows within the surge bound
 * (replicas + maxSurge pods at most), old pods go within the availability bound (replicas - maxUnavailable
 * available at least), unhealthy old pods first. Resolves when every live pod is new and available.
 */
export async function rollingUpdate(deployment: RollingTarget, template: PodTemplate): Promise<void> {
  const { spec } = deployment
  if (spec.strategy.type !== 'RollingUpdate') return
  const { replicas, minReadyMs } = spec
  const { maxSurge, maxUnavailable } = resolveRolling(
    replicas,
    spec.strategy.maxSurge,
    spec.strategy.maxUnavailable,
  )
  const isNew = (pod: Pod) => pod.template === template
  let creating = 0
  const done = () => {
    const live = deployment.live
    return live.length === replicas && live.every((pod) => isNew(pod) && pod.available(minReadyMs))
  }
  const reconcile = () => {
    const live = deployment.live
    const fresh = live.filter(isNew)
    const old = live.filter((pod) => !isNew(pod))
    // Scale up the new ReplicaSet within the surge bound.
    const scaleUp = Math.min(replicas + maxSurge - live.length - creating, replicas - fresh.length - creating)
    for (let i = 0; i < scaleUp; i += 1) {
      creating += 1
      void deployment.createPod(template).finally(() => {
        creating -= 1
      })
    }
    // Scale down old ones within the availability bound; unhealthy old pods go first.
    const minAvailable = replicas - maxUnavailable
    const freshUnavailable = fresh.filter((pod) => !pod.available(minReadyMs)).length + creating
    let budget = live.length + creating - minAvailable - freshUnavailable
    for (const pod of old.filter((p) => !p.available(minReadyMs))) {
      if (budget <= 0) break
      deployment.deletePod(pod)
      budget -= 1
    }
    const available = deployment.live.filter((pod) => pod.available(minReadyMs)).length
    let scaleDown = Math.min(budget, available - minAvailable)
    for (const pod of deployment.live.filter((p) => !isNew(p))) {
      if (scaleDown <= 0) break
      deployment.deletePod(pod)
      scaleDown -= 1
    }
  }
  await deployment.until(() => {
    if (!done()) reconcile()
    return done()
  }, 'RollingUpdate')
}

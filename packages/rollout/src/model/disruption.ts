import type { EventLog } from './events.ts'
import type { Pod } from './pod.ts'
import type { IntOrPercent } from './strategy.ts'

export type PdbSpec = { minAvailable: IntOrPercent } | { maxUnavailable: IntOrPercent }

export interface PdbStatus {
  expectedPods: number
  currentHealthy: number
  desiredHealthy: number
  disruptionsAllowed: number
}

/** Kubernetes' rounding for a PDB: percentages of the expected pods round up, for both fields. */
function scaled(value: IntOrPercent, expected: number): number {
  return typeof value === 'number' ? value : Math.ceil((Number(value.slice(0, -1)) * expected) / 100)
}

export function describePdb(spec: PdbSpec): string {
  return 'minAvailable' in spec
    ? `minAvailable ${spec.minAvailable}`
    : `maxUnavailable ${spec.maxUnavailable}`
}

/**
 * A PodDisruptionBudget as the disruption controller computes its status: healthy pods are ready and not
 * being deleted; the expected count is the controller's desired replicas; disruptionsAllowed is
 * currentHealthy - desiredHealthy, never below 0.
 */
export class PodDisruptionBudget {
  readonly name: string
  readonly spec: PdbSpec
  readonly #pods: () => Pod[]
  readonly #expected: () => number

  constructor(name: string, spec: PdbSpec, pods: () => Pod[], expected: () => number) {
    this.name = name
    this.spec = spec
    this.#pods = pods
    this.#expected = expected
  }

  status(): PdbStatus {
    const expectedPods = this.#expected()
    const currentHealthy = this.#pods().filter((pod) => pod.ready && !pod.terminating).length
    const desiredHealthy =
      'minAvailable' in this.spec
        ? scaled(this.spec.minAvailable, expectedPods)
        : Math.max(0, expectedPods - scaled(this.spec.maxUnavailable, expectedPods))
    return {
      expectedPods,
      currentHealthy,
      desiredHealthy,
      disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
    }
  }
}

export type EvictionResult = { evicted: true } | { evicted: false; status: 429; message: string }

/**
 * The Eviction API (POST pods/<name>/eviction): refused with 429 TooManyRequests while evicting would
 * breach the pod's disruption budget; otherwise the pod is deleted, exactly as a `kubectl delete` would.
 * A pod that is not ready may always be evicted (unhealthyPodEvictionPolicy: AlwaysAllow, as in k8s/base).
 */
export function evict(
  pod: Pod,
  pdb: PodDisruptionBudget | undefined,
  remove: (pod: Pod) => void,
  events: EventLog,
): EvictionResult {
  if (pdb && pod.ready) {
    const status = pdb.status()
    if (status.disruptionsAllowed < 1) {
      const message = `Cannot evict pod as it would violate the pod's disruption budget (${pdb.name}: ${describePdb(pdb.spec)}, ${status.currentHealthy} healthy, ${status.desiredHealthy} needed)`
      events.record({
        type: 'eviction-refused',
        pod: pod.name,
        version: pod.version,
        detail: `429 ${message}`,
      })
      return { evicted: false, status: 429, message }
    }
  }
  events.record({ type: 'pod-evicted', pod: pod.name, version: pod.version, detail: pod.node ?? '' })
  remove(pod)
  return { evicted: true }
}

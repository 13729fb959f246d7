import type { Backend } from './backend.ts'

/** One step of a canary: the pods of each track and the share of traffic the canary is meant to get. */
export interface ShiftStep {
  canaryReplicas: number
  stableReplicas: number
  weightPercent: number
}

/**
 * How a progressive canary moves traffic (plans/progressive.ts judges; this moves): by the ratio of pods
 * behind one Service, or by a weight that a router applies (the gateway's canary flag, an HTTPRoute's
 * backend weights, a TraefikService). Each call resolves once the change is in effect.
 */
export interface TrafficShift {
  /** In words, for the state and the report: "replica ratio", "gateway flag catalog-canary", … */
  readonly mechanism: string
  readonly steps: readonly ShiftStep[]
  /** Moves traffic to step `index` (0-based). */
  toStep(b: Backend, index: number): Promise<void>
  /** Every request back to the stable at once, the canary removed. */
  abort(b: Backend): Promise<void>
  /** The stable rolled to `version` (the canary's), then the canary removed. */
  promote(b: Backend, version: string): Promise<void>
}

/** A step's pods in words: "1 canary + 3 stable pods". */
export const podsOf = (step: ShiftStep): string =>
  `${step.canaryReplicas} canary + ${step.stableReplicas} stable pods`

/** The share `part` of `whole` is, in whole percent. */
export const percentOf = (part: number, whole: number): number => Math.round((100 * part) / whole)

/**
 * Replica ratio (k8s/overlays/canary): stable and canary pods behind one Service, the canary's share the
 * share of its pods. At each step the canary grows before the stable shrinks, so capacity never dips.
 */
export function replicaRatio(app: string, replicas: number, canaryReplicas: readonly number[]): TrafficShift {
  const stable = `${app}-stable`
  const canary = `${app}-canary`
  const steps = canaryReplicas.map((k) => ({
    canaryReplicas: k,
    stableReplicas: replicas - k,
    weightPercent: percentOf(k, replicas),
  }))
  return {
    mechanism: 'replica ratio',
    steps,
    async toStep(b, index) {
      const step = steps[index] as ShiftStep
      await b.scale(canary, step.canaryReplicas)
      await b.scale(stable, step.stableReplicas)
    },
    async abort(b) {
      // Both at once: the canary leaves the Service now (its pods drain) while the stable grows back;
      // waiting for the stable first would keep users on a bad canary for a pod start or longer.
      await Promise.all([b.scale(canary, 0), b.scale(stable, replicas)])
    },
    async promote(b, version) {
      await b.roll(stable, { version, replicas })
      await b.scale(canary, 0)
    },
  }
}

/** The canary's replicas under a weighted route: enough for the largest weight's share of the stable's. */
export function canaryReplicasFor(replicas: number, weights: readonly number[]): number {
  return Math.max(1, Math.ceil((replicas * Math.max(...weights)) / 100))
}

export interface WeightedRouteOptions {
  app: string
  /** The stable's replicas: it keeps them all through the rollout. */
  replicas: number
  /** The canary's replicas from the first step to the end. */
  canaryReplicas: number
  /** The canary's share at each step, in percent. */
  weights: readonly number[]
  mechanism: string
  /** Sets the router's canary weight; resolves once the router applies it (and the canary can take it). */
  setWeight(percent: number): Promise<void>
}

/**
 * A weighted route: the stable keeps its size, the canary runs beside it, and a router in front sends it
 * `weights[i]` % of the traffic. Abort sets the weight to 0 first (traffic back at once, no pod has to
 * leave a Service for it), then removes the canary; promotion rolls the stable to the canary's version,
 * then sets the weight to 0 and removes the canary.
 */
export function weightedRoute(o: WeightedRouteOptions): TrafficShift {
  const stable = `${o.app}-stable`
  const canary = `${o.app}-canary`
  const steps = o.weights.map((weightPercent) => ({
    canaryReplicas: o.canaryReplicas,
    stableReplicas: o.replicas,
    weightPercent,
  }))
  return {
    mechanism: o.mechanism,
    steps,
    async toStep(b, index) {
      const step = steps[index] as ShiftStep
      await b.scale(canary, step.canaryReplicas)
      await o.setWeight(step.weightPercent)
    },
    async abort(b) {
      await o.setWeight(0)
      await b.scale(canary, 0)
    },
    async promote(b, version) {
      await b.roll(stable, { version, replicas: o.replicas })
      await o.setWeight(0)
      await b.scale(canary, 0)
    },
  }
}

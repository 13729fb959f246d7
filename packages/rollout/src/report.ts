import type { BalancerStats } from './model/balancer.ts'
import type { RolloutEvent } from './model/events.ts'
import type { Termination } from './model/pod.ts'
import type { BlueGreenDetails } from './plans/blue-green.ts'
import type { CanaryDetails } from './plans/canary.ts'
import type { DrainDetails } from './plans/node-drain.ts'
import type { ProgressiveDetails } from './plans/progressive.ts'
import type { Downtime, LatencySummary, PerVersion, Phases, Tally } from './run/tally.ts'
import type { Timeline } from './run/timeline.ts'
import type { AbDetails } from './scenarios/ab.scenario.ts'
import type { CanaryFlagsDetails } from './scenarios/canary-flags.scenario.ts'
import type { FeatureSwitchDetails } from './scenarios/feature-switch.scenario.ts'
import type { GatewayCounters } from './scenarios/gateway-metrics.ts'
import type { ShadowDetails } from './scenarios/shadow.scenario.ts'

export interface RolloutReport extends Tally {
  /** rolling, recreate, blue-green, canary, node-drain (the scenario's kind). */
  strategy: string
  unprepared: boolean
  durationMs: number
  /** From rollout-started to rollout-complete: how long the change itself took. */
  rolloutMs: number
  /** Set when the rollout stopped before its end (canary errors, failed preview): what and why. */
  aborted?: string
  latencyMs: LatencySummary
  /** Requests sent before, during and after the rollout itself (count per phase). */
  phases: Phases
  parameters: Record<string, unknown>
  finalPods: Array<{ name: string; version: string; ready: boolean; node?: string }>
  terminations: Termination[]
  balancer: BalancerStats
  /** Windows in which the Service had no endpoint at all, after load started (Recreate's downtime). */
  downtime: Downtime
  events: RolloutEvent[]
  /** Failures attributed to versions where the Service's routing tells (`unattributed` otherwise). */
  perVersion: PerVersion
  /** Per time bucket: sent, ok, failed by kind, ok by version; what the HTML chart draws. */
  timeline: Timeline
  blueGreen?: BlueGreenDetails
  canary?: CanaryDetails
  /** progressive: the outcome, each step's analyses with their PromQL and numbers. */
  progressive?: ProgressiveDetails
  drain?: DrainDetails
  /** `--prometheus`: the address of the Prometheus that scraped the run's pods (stopped with the run). */
  prometheus?: string
  /** Runs with a gateway in front: what its /metrics counted (retries it made, upstream errors, answers). */
  gateway?: GatewayCounters
  canaryFlags?: CanaryFlagsDetails
  ab?: AbDetails
  shadow?: ShadowDetails
  featureSwitch?: FeatureSwitchDetails
}

export type { PerVersion, Tally } from './run/tally.ts'

export type { AppStack, FlagChange } from './app-stack.ts'
export { type BalancerStats, type Endpoint, ServiceBalancer } from './balancer.ts'
export { type Clock, jittered, startClock } from './clock.ts'
export { Deployment, type DeploymentSpec, type Placer } from './deployment.ts'
export {
  describePdb,
  type EvictionResult,
  evict,
  type PdbSpec,
  type PdbStatus,
  PodDisruptionBudget,
} from './disruption.ts'
export { type DrainOptions, type DrainResult, drainNode } from './drain.ts'
export { EndpointsController, matches, type PropagationSpec, type Selector } from './endpoints.ts'
export * as errors from './errors.ts'
export { EventLog, type RolloutEvent, type RolloutEventType } from './events.ts'
export { Harness, type RolloutHooks, type ServiceFront, type ServiceRef } from './harness.ts'
export {
  classifyError,
  type FailureKind,
  LoadGenerator,
  type LoadSpec,
  parseRoute,
  parseServedBy,
  type RequestRecord,
} from './load.ts'
export { Nodes, type Placement } from './nodes.ts'
export {
  type ProbeTarget,
  ROLLOUT_DEFAULTS,
  type RolloutOptions,
  resolveOptions,
  type ServiceProbes,
} from './options.ts'
export type { Backend, DrainOutcome, Plan } from './plans/backend.ts'
export { type BlueGreenDetails, type BlueGreenOptions, blueGreenPlan } from './plans/blue-green.ts'
export { type CanaryDetails, type CanaryOptions, type CanaryStep, canaryPlan } from './plans/canary.ts'
export { type DrainDetails, type NodeDrainOptions, nodeDrainPlan } from './plans/node-drain.ts'
export { type RollingOptions, rollingPlan } from './plans/rolling.ts'
export { Pod, type PodSpec, type PodTemplate, type Termination } from './pod.ts'
export { freePort, portFree } from './ports.ts'
export { Prober, type ProbeSpec, probeOnce } from './probe.ts'
export { Progress, type ProgressSnapshot } from './progress.ts'
export {
  latencySummary,
  noEndpointWindows,
  type PerVersion,
  percentile,
  perVersion,
  type RolloutReport,
  splitPhases,
  type Tally,
  tally,
} from './report.ts'
export { runRollout } from './run.ts'
export {
  type AbScenario,
  type BlueGreenScenario,
  type CanaryFlagsScenario,
  type CanaryScenario,
  type FeatureSwitchScenario,
  GATEWAY_SCENARIOS,
  type GatewayRollingScenario,
  type NodeDrainScenario,
  SCENARIO_DEFAULTS,
  type Scenario,
  type ScenarioKind,
  type ShadowScenario,
  validateScenario,
} from './scenario.ts'
export type { AbDetails } from './scenarios/ab.ts'
export type { CanaryFlagsDetails, CanaryFlagsStep } from './scenarios/canary-flags.ts'
export type { CohortStats } from './scenarios/cohorts.ts'
export type { FeatureSwitchDetails } from './scenarios/feature-switch.ts'
export {
  type GatewayCounters,
  type MismatchSample,
  parseMetrics,
} from './scenarios/gateway-metrics.ts'
export { createRunner, SCENARIO_KINDS } from './scenarios/index.ts'
export type { PreviewCheck, PreviewResult } from './scenarios/preview.ts'
export type { ScenarioDetails, ScenarioRunner } from './scenarios/runner.ts'
export type { ShadowDetails } from './scenarios/shadow.ts'
export { type IntOrPercent, parseIntOrPercent, resolveRolling, type Strategy } from './strategy.ts'
export { type Timeline, type TimelineBucket, timeline } from './timeline.ts'

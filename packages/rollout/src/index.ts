export { type BalancerStats, type Endpoint, ServiceBalancer } from './balancer.ts'
export { type Clock, jittered, startClock } from './clock.ts'
export { Deployment, type DeploymentSpec } from './deployment.ts'
export { EndpointsController, type PropagationSpec } from './endpoints.ts'
export * as errors from './errors.ts'
export { EventLog, type RolloutEvent, type RolloutEventType } from './events.ts'
export {
  classifyError,
  type FailureKind,
  LoadGenerator,
  type LoadSpec,
  parseServedBy,
  type RequestRecord,
} from './load.ts'
export { ROLLOUT_DEFAULTS, type RolloutOptions, resolveOptions } from './options.ts'
export { Pod, type PodSpec, type PodTemplate, type Termination } from './pod.ts'
export { freePort } from './ports.ts'
export { Prober, type ProbeSpec, probeOnce } from './probe.ts'
export { Progress, type ProgressSnapshot } from './progress.ts'
export {
  latencySummary,
  noEndpointWindows,
  percentile,
  type RolloutReport,
  splitPhases,
  type Tally,
  tally,
} from './report.ts'
export { type RolloutHooks, runRollout } from './run.ts'
export { type IntOrPercent, parseIntOrPercent, resolveRolling, type Strategy } from './strategy.ts'

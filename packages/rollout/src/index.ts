// What other packages, the CLI, the bench and the tests use; everything else stays inside the package.

// The Kubernetes model: the offline stand-in for a cluster (model/).
export { ServiceBalancer } from './model/balancer.ts'
export { type Clock, startClock } from './model/clock.ts'
export { evict, type PdbSpec, PodDisruptionBudget } from './model/disruption.ts'
export { drainNode } from './model/drain.ts'
export { EndpointsController } from './model/endpoints.ts'
export { EventLog, type RolloutEvent } from './model/events.ts'
export { Nodes } from './model/nodes.ts'
export { Pod, type PodSpec } from './model/pod.ts'
export { type IntOrPercent, parseIntOrPercent, resolveRolling, type Strategy } from './model/strategy.ts'
// The plans: each strategy's steps, written once for the model and the real cluster (plans/).
export type { Backend } from './plans/backend.ts'
export { blueGreenPlan } from './plans/blue-green.ts'
export { canaryPlan } from './plans/canary.ts'
export {
  type Analysis,
  OPERATOR_COMMANDS,
  type OperatorCommand,
  type RolloutControl,
  type RolloutPhase,
  type RolloutState,
} from './plans/control.ts'
export {
  JUDGE_DEFAULTS,
  type JudgeOptions,
  judge,
  leastRequests,
  type Outcome,
  type Sample,
  type Verdict,
  wilson,
} from './plans/judge.ts'
export { nodeDrainPlan } from './plans/node-drain.ts'
export {
  type ProgressiveDetails,
  type ProgressiveOptions,
  type ProgressiveOutcome,
  progressivePlan,
} from './plans/progressive.ts'
export { rollingPlan } from './plans/rolling.ts'
export {
  canaryReplicasFor,
  percentOf,
  podsOf,
  replicaRatio,
  type ShiftStep,
  type TrafficShift,
  type WeightedRouteOptions,
  weightedRoute,
} from './plans/shift.ts'
export type { RolloutReport } from './report.ts'
export { resolveOptions } from './resolve.ts'
// The run machinery: options, load, events, report (run/).
export type { AppStack, FlagChange } from './run/app-stack.ts'
export { Harness } from './run/harness.ts'
export { classifyError, LoadGenerator, parseRoute, parseServedBy, type RequestRecord } from './run/load.ts'
export {
  type GivenOptions,
  type RolloutOptions,
  RunSchema,
  type RunSettings,
  type ScenarioOptions,
} from './run/options.ts'
export type { ProgressSnapshot } from './run/progress.ts'
export {
  latencySummary,
  noEndpointWindows,
  percentile,
  perVersion,
  splitPhases,
  tally,
} from './run/tally.ts'
export { timeline } from './run/timeline.ts'
export { runRollout } from './run.ts'
// The scenarios: one file each (scenarios/*.scenario.ts), found by the registry.
export type { CohortStats } from './scenarios/cohorts.ts'
export {
  DEFAULT_SERVICE,
  defineScenario,
  type ScenarioDefinition,
  type ScenarioService,
} from './scenarios/define.ts'
export { parseMetrics } from './scenarios/gateway-metrics.ts'
export type { Scenario } from './scenarios/kinds.ts'
export {
  loadScenarios,
  registerScenario,
  scenarioDefinition,
  scenarioDefinitions,
} from './scenarios/registry.ts'
export type { ScenarioDetails, ScenarioRunner } from './scenarios/runner.ts'
export { fileControl, readRolloutState, rolloutStateDir, sendRolloutCommand } from './scenarios/state-file.ts'
// Option schemas in words and from text: what the CLI derives its flags, help and errors from (schema/).
export { invalidOptions, type Problem, ruleOf } from './schema/rules.ts'
export { flagOf, fromText, toText } from './schema/text.ts'

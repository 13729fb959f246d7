import type { PdbSpec } from './disruption.ts'
import { InvalidOptionError } from './errors.ts'
import type { Placement } from './nodes.ts'

export interface BlueGreenScenario {
  kind: 'blue-green'
  /** How long blue stays up after the switch; default: propagation delay + jitter + shutdown delay. */
  scaleDownDelayMs?: number
  /** GET the service path on every green pod directly (the preview Service) before switching. */
  preview: boolean
  /** Switch back to blue after the scale-down delay, and stop green instead. */
  rollback: boolean
}

export interface CanaryScenario {
  kind: 'canary'
  /** Canary replicas at each step, out of `replicas`; promotion (all) follows the last one. */
  steps: number[]
  /** Pause at each step, observing share and errors per version. */
  stepPauseMs: number
  /** Abort when a step's failed requests exceed this percentage of its requests. */
  maxErrorPercent: number
}

export interface NodeDrainScenario {
  kind: 'node-drain'
  nodes: number
  placement: Placement
  /** null: no PodDisruptionBudget, evictions are never refused. */
  pdb: PdbSpec | null
  evictionRetryMs: number
}

/** A RollingUpdate with a real gateway in the path: of the catalog behind it, or of the gateway itself. */
export interface GatewayRollingScenario {
  kind: 'gateway-rolling'
  /** gateway: the gateway Deployment is rolled (the catalog behind it stays); catalog: the catalog is. */
  roll: 'gateway' | 'catalog'
  /** Replicas of the Deployment that is not rolled. */
  fixedReplicas: number
}

/** Users named by the load (`x-zdd-user`, in turn), so the gateway's per-user split shows as a share. */
interface WithUsers {
  users: number
}

/** App-level canary: the gateway sends a rising rollout % of users to the canary Deployment. */
export interface CanaryFlagsScenario extends WithUsers {
  kind: 'canary-flags'
  /** Rollout % of users at each step, rising (e.g. 5, 25, 50, 100). */
  percentages: number[]
  /** Observation at each step, after the flag change has reached the gateway. */
  stepPauseMs: number
  /** Abort (back to 0 %) when the canary's failed requests exceed this % of its requests… */
  maxErrorPercent: number
  /** …or its p99 latency exceeds this. */
  maxP99Ms: number
  /** Extra latency of the canary (CATALOG_LATENCY_MS on top of the stable's): a bad canary, to see an abort. */
  canaryLatencyMs: number
}

/** A/B: recommendations a and b behind the gateway, users split by the experiment's variant weights. */
export interface AbScenario extends WithUsers {
  kind: 'ab'
  /** Variant weights (percent, summing to 100) set when the experiment starts; before it, all users get a. */
  weights: { a: number; b: number }
  holdMs: number
  /** Extra latency of variant b (RECOMMENDATIONS_LATENCY_MS), so the per-variant latency differs visibly. */
  bLatencyMs: number
}

/** Shadow: a new version gets a mirrored copy of the reads while the flag is on; clients see the primary. */
export interface ShadowScenario extends WithUsers {
  kind: 'shadow'
  holdMs: number
  /** The shadow's algorithm: personalized answers differently (mismatches), popular like the primary. */
  shadowAlgorithm: 'popular' | 'personalized'
  /** Latency of the shadow; above the gateway's shadow timeout (1000 ms) it counts as errors. */
  shadowLatencyMs: number
}

/** Feature switch: one Deployment, the catalog-discount switch flipped on mid-run for a % of users. */
export interface FeatureSwitchScenario extends WithUsers {
  kind: 'feature-switch'
  /** % of users for whom the switch is on once flipped. */
  rollout: number
  holdMs: number
}

/**
 * What a run does to the service. Infrastructure-level scenarios run pods behind one Service; app-level
 * ones (a gateway in front, flags deciding: canary-flags, ab, shadow, feature-switch) and gateway-rolling
 * run a real gateway too, and Services of their own (scenarios/index.ts).
 */
export type Scenario =
  | { kind: 'rolling' }
  | { kind: 'recreate' }
  | BlueGreenScenario
  | CanaryScenario
  | NodeDrainScenario
  | GatewayRollingScenario
  | CanaryFlagsScenario
  | AbScenario
  | ShadowScenario
  | FeatureSwitchScenario

/** The scenarios that run a gateway (and need `RolloutOptions.stack`). */
export const GATEWAY_SCENARIOS: ReadonlySet<string> = new Set([
  'gateway-rolling',
  'canary-flags',
  'ab',
  'shadow',
  'feature-switch',
])

export type ScenarioKind = Scenario['kind']

export const SCENARIO_DEFAULTS = {
  'blue-green': { kind: 'blue-green', preview: false, rollback: false },
  canary: { kind: 'canary', steps: [1, 2], stepPauseMs: 2000, maxErrorPercent: 0 },
  'node-drain': {
    kind: 'node-drain',
    nodes: 3,
    placement: 'spread',
    pdb: { maxUnavailable: 1 },
    evictionRetryMs: 5000,
  },
  'gateway-rolling': { kind: 'gateway-rolling', roll: 'gateway', fixedReplicas: 2 },
  'canary-flags': {
    kind: 'canary-flags',
    percentages: [5, 25, 50, 100],
    stepPauseMs: 2000,
    maxErrorPercent: 0,
    maxP99Ms: 1000,
    canaryLatencyMs: 0,
    users: 1000,
  },
  ab: { kind: 'ab', weights: { a: 50, b: 50 }, holdMs: 3000, bLatencyMs: 0, users: 1000 },
  shadow: { kind: 'shadow', holdMs: 3000, shadowAlgorithm: 'personalized', shadowLatencyMs: 0, users: 1000 },
  'feature-switch': { kind: 'feature-switch', rollout: 100, holdMs: 3000, users: 1000 },
} as const satisfies Record<string, Scenario>

/** Rejects scenario settings that make the run meaningless or could never finish, naming the field. */
export function validateScenario(scenario: Scenario, replicas: number): void {
  const whole = (name: string, value: number, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(name, `${value} must be a whole number from ${min} to ${max}`)
    }
  }
  switch (scenario.kind) {
    case 'blue-green':
      if (scenario.scaleDownDelayMs !== undefined)
        whole('scaleDownDelayMs', scenario.scaleDownDelayMs, 0, 600_000)
      return
    case 'canary': {
      if (replicas < 2) throw new InvalidOptionError('replicas', 'a canary needs at least 2 replicas')
      if (scenario.steps.length === 0) throw new InvalidOptionError('steps', 'give at least one step')
      let previous = 0
      for (const step of scenario.steps) {
        whole('steps', step, previous + 1, replicas - 1)
        previous = step
      }
      whole('stepPauseMs', scenario.stepPauseMs, 0, 600_000)
      if (!(scenario.maxErrorPercent >= 0 && scenario.maxErrorPercent <= 100)) {
        throw new InvalidOptionError('maxErrorPercent', `${scenario.maxErrorPercent} must be from 0 to 100`)
      }
      return
    }
    case 'node-drain':
      whole('nodes', scenario.nodes, 2, 10)
      whole('evictionRetryMs', scenario.evictionRetryMs, 10, 60_000)
      if (scenario.pdb) validatePdb(scenario.pdb, replicas)
      return
    case 'gateway-rolling':
      if (scenario.roll !== 'gateway' && scenario.roll !== 'catalog') {
        throw new InvalidOptionError('roll', `"${String(scenario.roll)}" must be gateway or catalog`)
      }
      whole('fixedReplicas', scenario.fixedReplicas, 1, 10)
      return
    case 'canary-flags': {
      if (scenario.percentages.length === 0) throw new InvalidOptionError('percentages', 'give at least one')
      let previous = 0
      for (const percent of scenario.percentages) {
        whole('percentages', percent, previous + 1, 100)
        previous = percent
      }
      whole('stepPauseMs', scenario.stepPauseMs, 100, 600_000)
      percent('maxErrorPercent', scenario.maxErrorPercent)
      whole('maxP99Ms', scenario.maxP99Ms, 1, 600_000)
      whole('canaryLatencyMs', scenario.canaryLatencyMs, 0, 5000)
      whole('users', scenario.users, 1, 1_000_000)
      return
    }
    case 'ab':
      whole('weights.a', scenario.weights.a, 0, 100)
      whole('weights.b', scenario.weights.b, 0, 100)
      if (scenario.weights.a + scenario.weights.b !== 100) {
        throw new InvalidOptionError(
          'weights',
          `a ${scenario.weights.a} + b ${scenario.weights.b} must be 100`,
        )
      }
      whole('holdMs', scenario.holdMs, 100, 600_000)
      whole('bLatencyMs', scenario.bLatencyMs, 0, 5000)
      whole('users', scenario.users, 1, 1_000_000)
      return
    case 'shadow':
      whole('holdMs', scenario.holdMs, 100, 600_000)
      whole('shadowLatencyMs', scenario.shadowLatencyMs, 0, 5000)
      whole('users', scenario.users, 1, 1_000_000)
      return
    case 'feature-switch':
      whole('rollout', scenario.rollout, 1, 100)
      whole('holdMs', scenario.holdMs, 100, 600_000)
      whole('users', scenario.users, 1, 1_000_000)
      return
    default:
      return
  }
}

function percent(name: string, value: number): void {
  if (!(value >= 0 && value <= 100)) throw new InvalidOptionError(name, `${value} must be from 0 to 100`)
}

function validatePdb(pdb: PdbSpec, replicas: number): void {
  const [field, value] =
    'minAvailable' in pdb ? ['minAvailable', pdb.minAvailable] : ['maxUnavailable', pdb.maxUnavailable]
  const count = typeof value === 'number' ? value : Math.ceil((Number(value.slice(0, -1)) * replicas) / 100)
  const blocks = field === 'minAvailable' ? count >= replicas : count < 1
  if (!Number.isFinite(count) || count < 0 || blocks) {
    throw new InvalidOptionError(
      `pdb ${field}`,
      `${value} with ${replicas} replicas allows no disruption at all: a drain would wait forever`,
    )
  }
}

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

/**
 * What a run does to the service. Infrastructure-level scenarios run pods behind one Service; app-level
 * ones (a gateway weighting versions through flags: canary-flags, ab, shadow, feature-switch) are further
 * kinds with their own runner (scenarios/index.ts).
 */
export type Scenario =
  | { kind: 'rolling' }
  | { kind: 'recreate' }
  | BlueGreenScenario
  | CanaryScenario
  | NodeDrainScenario

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
    default:
      return
  }
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

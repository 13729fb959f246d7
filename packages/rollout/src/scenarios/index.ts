import { UnknownScenarioError } from '../errors.ts'
import type { RolloutOptions } from '../options.ts'
import type { Scenario, ScenarioKind } from '../scenario.ts'
import { ab } from './ab.ts'
import { blueGreen } from './blue-green.ts'
import { canary } from './canary.ts'
import { canaryFlags } from './canary-flags.ts'
import { featureSwitch } from './feature-switch.ts'
import { gatewayRolling } from './gateway-rolling.ts'
import { nodeDrain } from './node-drain.ts'
import type { ScenarioRunner } from './runner.ts'
import { shadow } from './shadow.ts'
import { deploymentUpdate } from './update.ts'

type Factory<K extends ScenarioKind> = (
  options: RolloutOptions,
  scenario: Extract<Scenario, { kind: K }>,
) => ScenarioRunner

/** One runner per scenario kind; a new strategy is a new kind in scenario.ts and an entry here. */
const RUNNERS: { [K in ScenarioKind]: Factory<K> } = {
  rolling: (options) => deploymentUpdate(options, 'rolling'),
  recreate: (options) => deploymentUpdate(options, 'recreate'),
  'blue-green': blueGreen,
  canary,
  'node-drain': nodeDrain,
  'gateway-rolling': gatewayRolling,
  'canary-flags': canaryFlags,
  ab,
  shadow,
  'feature-switch': featureSwitch,
}

export const SCENARIO_KINDS = Object.keys(RUNNERS) as ScenarioKind[]

export function createRunner(options: RolloutOptions): ScenarioRunner {
  const factory = RUNNERS[options.scenario.kind] as Factory<ScenarioKind> | undefined
  if (!factory) throw new UnknownScenarioError(options.scenario.kind, SCENARIO_KINDS.join(', '))
  return factory(options, options.scenario as never)
}

import type { AbScenario } from './ab.scenario.ts'
import type { BlueGreenScenario } from './blue-green.scenario.ts'
import type { CanaryScenario } from './canary.scenario.ts'
import type { CanaryFlagsScenario } from './canary-flags.scenario.ts'
import type { FeatureSwitchScenario } from './feature-switch.scenario.ts'
import type { GatewayRollingScenario } from './gateway-rolling.scenario.ts'
import type { NodeDrainScenario } from './node-drain.scenario.ts'
import type { ProgressiveScenario } from './progressive.scenario.ts'
import type { RollingScenario } from './rolling.scenario.ts'
import type { ShadowScenario } from './shadow.scenario.ts'

/**
 * The built-in scenarios' options as a report carries them (`parameters.scenario`), for readers that
 * show them (the CLI's summary). Types only: a new scenario needs no entry here to run, only to be shown
 * by kind.
 */
export type Scenario =
  | ({ kind: 'rolling' } & RollingScenario)
  | { kind: 'recreate' }
  | ({ kind: 'blue-green' } & BlueGreenScenario)
  | ({ kind: 'canary' } & CanaryScenario)
  | ({ kind: 'progressive' } & ProgressiveScenario)
  | ({ kind: 'node-drain' } & NodeDrainScenario)
  | ({ kind: 'gateway-rolling' } & GatewayRollingScenario)
  | ({ kind: 'canary-flags' } & CanaryFlagsScenario)
  | ({ kind: 'ab' } & AbScenario)
  | ({ kind: 'shadow' } & ShadowScenario)
  | ({ kind: 'feature-switch' } & FeatureSwitchScenario)

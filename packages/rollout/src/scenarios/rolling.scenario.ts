import { type Static, Type } from '@sinclair/typebox'
import { resolveRolling } from '../model/strategy.ts'
import type { Problem } from '../schema/rules.ts'
import { defineScenario } from './define.ts'
import { intOrPercent } from './int-or-percent.ts'
import { deploymentUpdate } from './update.ts'

const count = (description: string) => intOrPercent({ description, default: '25%' })

const Options = Type.Object({
  maxSurge: count('rolling update maxSurge (count or %)'),
  maxUnavailable: count('rolling update maxUnavailable (count or %)'),
})

export type RollingScenario = Static<typeof Options>

export default defineScenario({
  kind: 'rolling',
  summary: 'a RollingUpdate of one Deployment: new pods surge in, old ones drain out',
  order: 10,
  options: Options,
  strategy: (scenario) => ({
    type: 'RollingUpdate',
    maxSurge: scenario.maxSurge,
    maxUnavailable: scenario.maxUnavailable,
  }),
  check(scenario, run): Problem[] {
    try {
      resolveRolling(run.replicas, scenario.maxSurge, scenario.maxUnavailable)
      return []
    } catch (err) {
      return (
        (err as { problems?: Problem[] }).problems ?? [
          { option: 'maxSurge', rule: String(err), got: scenario.maxSurge },
        ]
      )
    }
  },
  runner: (options) => deploymentUpdate(options, 'rolling'),
})

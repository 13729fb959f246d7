import { type Static, Type } from '@sinclair/typebox'
import type { PdbSpec } from '../model/disruption.ts'
import { describePdb, evict, PodDisruptionBudget } from '../model/disruption.ts'
import { Nodes } from '../model/nodes.ts'
import type { Pod } from '../model/pod.ts'
import { nodeDrainPlan } from '../plans/node-drain.ts'
import type { RolloutOptions } from '../run/options.ts'
import type { Problem } from '../schema/rules.ts'
import { defineScenario } from './define.ts'
import { intOrPercent } from './int-or-percent.ts'
import { modelBackend } from './model-backend.ts'
import { planRunner, startDeployment } from './plan-runner.ts'
import type { ScenarioRunner } from './runner.ts'

const Count = intOrPercent()
const Options = Type.Object({
  nodes: Type.Integer({ description: 'simulated nodes', default: 3, minimum: 2, maximum: 10 }),
  placement: Type.Union([Type.Literal('spread'), Type.Literal('packed')], {
    description: 'spread (topology spread over nodes) or packed (all on one node)',
    default: 'spread',
  }),
  pdb: Type.Union(
    [Type.Null(), Type.Object({ maxUnavailable: Count }), Type.Object({ minAvailable: Count })],
    {
      description: 'PodDisruptionBudget: maxUnavailable=N|N%, minAvailable=N|N%, or none',
      default: { maxUnavailable: 1 },
      rule: 'must be maxUnavailable=N|N%, minAvailable=N|N% or none',
    },
  ),
  evictionRetryMs: Type.Integer({
    description: 'wait after a refused eviction (kubectl drain: 5000)',
    default: 5000,
    minimum: 10,
    maximum: 60_000,
  }),
})

export type NodeDrainScenario = Static<typeof Options>

export type { DrainDetails } from '../plans/node-drain.ts'

/**
 * A node drain on the model (plans/node-drain.ts): the Deployment spread over simulated nodes (or packed on
 * one), with an optional PodDisruptionBudget that refuses evictions (429) while they would take too many
 * replicas away. No version changes.
 */
export function nodeDrain(options: RolloutOptions, scenario: NodeDrainScenario): ScenarioRunner {
  const app = options.service.name
  const plan = nodeDrainPlan({
    deployment: app,
    setup: {
      nodes: Array.from({ length: scenario.nodes }, (_, i) => `node-${i + 1}`),
      placement: scenario.placement,
      pdb: scenario.pdb ? describePdb(scenario.pdb) : null,
      evictionRetryMs: scenario.evictionRetryMs,
    },
  })
  return planRunner(plan, async (h) => {
    const nodes = new Nodes(scenario.nodes, scenario.placement, () => h.livePods, h.events)
    const d = await startDeployment(h, app, options.fromVersion, {}, () => nodes.place())
    const pdb = scenario.pdb
      ? new PodDisruptionBudget(
          app,
          scenario.pdb,
          () => d.pods,
          () => d.spec.replicas,
        )
      : undefined
    const evictions = {
      nodes,
      evict: (pod: Pod, remove: (pod: Pod) => void) => evict(pod, pdb, remove, h.events),
    }
    return modelBackend(h, {}, { ...evictions, retryMs: scenario.evictionRetryMs })
  })
}

export default defineScenario({
  kind: 'node-drain',
  summary: 'a node cordoned and drained through the Eviction API, a PodDisruptionBudget keeping replicas up',
  order: 50,
  options: Options,
  runDefaults: { replicas: 4 },
  check: (scenario, run) => (scenario.pdb ? pdbProblems(scenario.pdb, run.replicas) : []),
  runner: nodeDrain,
})

/** A budget that could never allow an eviction would make the drain wait forever. */
function pdbProblems(pdb: PdbSpec, replicas: number): Problem[] {
  const [field, value] =
    'minAvailable' in pdb ? ['minAvailable', pdb.minAvailable] : ['maxUnavailable', pdb.maxUnavailable]
  const count = typeof value === 'number' ? value : Math.ceil((Number(value.slice(0, -1)) * replicas) / 100)
  const blocks = field === 'minAvailable' ? count >= replicas : count < 1
  return blocks
    ? [
        {
          option: 'pdb',
          rule: `${field}=${value} with ${replicas} replicas allows no eviction: the drain would wait forever`,
          got: pdb,
        },
      ]
    : []
}

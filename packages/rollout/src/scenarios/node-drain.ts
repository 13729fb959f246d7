import type { Deployment } from '../deployment.ts'
import { describePdb, evict, PodDisruptionBudget } from '../disruption.ts'
import { drainNode } from '../drain.ts'
import { Nodes, type Placement } from '../nodes.ts'
import type { RolloutOptions } from '../options.ts'
import type { NodeDrainScenario } from '../scenario.ts'
import type { ScenarioRunner } from './runner.ts'

export interface DrainDetails {
  nodes: string[]
  placement: Placement
  /** e.g. "maxUnavailable 1"; null without a PodDisruptionBudget. */
  pdb: string | null
  evictionRetryMs: number
  /** The node drained: the one running the most replicas. */
  node: string
  /** node → pods, before the drain and once every replica was available again. */
  before: Record<string, string[]>
  after: Record<string, string[]>
  evicted: string[]
  /** Evictions answered 429 because they would have breached the budget (each retried). */
  refusals: number
  drainMs: number
  /** From the drain's start until the Deployment had every replica available again. */
  recoveredMs: number
}

/**
 * A node drain, as `kubectl drain` does it, of a Deployment spread over simulated nodes (or packed on one):
 * cordon, then evictions through the Eviction API, which a PodDisruptionBudget refuses while they would
 * take too many replicas away; the ReplicaSet replaces each evicted pod on another node. No version changes.
 */
export function nodeDrain(options: RolloutOptions, scenario: NodeDrainScenario): ScenarioRunner {
  const app = options.service.name
  let deployment: Deployment | undefined
  let nodes: Nodes | undefined
  let pdb: PodDisruptionBudget | undefined
  let details: DrainDetails | undefined

  return {
    name: 'node-drain',
    description: `drain a node: ${scenario.nodes} nodes, ${scenario.placement}, ${scenario.pdb ? `PDB ${describePdb(scenario.pdb)}` : 'no PDB'}`,
    toVersion: undefined,
    async setup(h) {
      const cluster = new Nodes(scenario.nodes, scenario.placement, () => h.livePods, h.events)
      const d = h.deployment(app, options.replicas, () => cluster.place())
      nodes = cluster
      deployment = d
      if (scenario.pdb)
        pdb = new PodDisruptionBudget(
          app,
          scenario.pdb,
          () => d.pods,
          () => d.spec.replicas,
        )
      await d.create(h.template(options.fromVersion))
      await h.waitForEndpoints(options.replicas)
    },
    async execute(h) {
      const d = deployment
      if (!d || !nodes) return
      const node = nodes.busiest()
      const before = nodes.layout()
      const startedAt = h.clock()
      h.progress.phase = `drain ${node}`
      const result = await drainNode(
        nodes,
        { node, retryMs: scenario.evictionRetryMs, timeoutMs: d.spec.progressDeadlineMs },
        (pod) => evict(pod, pdb, (evicted) => void d.deletePod(evicted, true), h.events),
        h.clock,
        h.events,
      )
      h.progress.phase = 'recover'
      const { replicas, minReadyMs } = d.spec
      await d.until(
        () => d.live.length === replicas && d.live.every((pod) => pod.available(minReadyMs)),
        'node drain recovery',
      )
      details = {
        nodes: nodes.names,
        placement: scenario.placement,
        pdb: scenario.pdb ? describePdb(scenario.pdb) : null,
        evictionRetryMs: scenario.evictionRetryMs,
        node,
        before,
        after: nodes.layout(),
        evicted: result.pods,
        refusals: result.refusals,
        drainMs: result.durationMs,
        recoveredMs: Math.round(h.clock() - startedAt),
      }
    },
    details: () => (details ? { drain: details } : {}),
  }
}

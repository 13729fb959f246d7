import type { Plan } from './backend.ts'

export interface DrainDetails {
  nodes: string[]
  /** How the pods were spread: the model's placement, or `scheduler` on a real cluster. */
  placement: string
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
  /** Every pod left the node (false: the budgets held it until the drain's timeout). */
  complete: boolean
  drainMs: number
  /** From the drain's start until every Deployment had all its replicas available again. */
  recoveredMs: number
}

export interface NodeDrainOptions {
  /** The Deployment whose busiest node is drained. */
  deployment: string
  /** How the backend is set up, for the report. */
  setup: Pick<DrainDetails, 'nodes' | 'placement' | 'pdb' | 'evictionRetryMs'>
}

/**
 * A node drain as an operator runs one: the node running most of the Deployment's pods is cordoned and
 * drained through the Eviction API (a PodDisruptionBudget refuses evictions that would take too many
 * replicas away; the ReplicaSet replaces each evicted pod on another node), the workload recovers, and the
 * node is uncordoned. No version changes.
 */
export function nodeDrainPlan(o: NodeDrainOptions): Plan<{ drain?: DrainDetails }> {
  let details: DrainDetails | undefined
  return {
    name: 'node-drain',
    description: `drain the node running most ${o.deployment} pods: ${o.setup.nodes.length} nodes, ${o.setup.placement}, ${o.setup.pdb ? `PDB ${o.setup.pdb}` : 'no PDB'}`,
    toVersion: undefined,
    async execute(b) {
      const before = await b.placement(o.deployment)
      const [node] = Object.entries(before).reduce((best, entry) =>
        entry[1].length > best[1].length ? entry : best,
      )
      const startedAt = b.clock()
      b.phase(`drain ${node}`)
      const outcome = await b.drain(node)
      b.phase('recover')
      await b.recovered()
      const recoveredMs = Math.round(b.clock() - startedAt)
      const after = await b.placement(o.deployment)
      await b.uncordon(node)
      details = {
        ...o.setup,
        node,
        before,
        after,
        evicted: outcome.evicted,
        refusals: outcome.refusals,
        complete: outcome.complete,
        drainMs: outcome.durationMs,
        recoveredMs,
      }
    },
    details: () => (details ? { drain: details } : {}),
  }
}

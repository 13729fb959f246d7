import { NoSchedulableNodeError } from '../errors.ts'
import type { EventLog } from './events.ts'
import type { Pod } from './pod.ts'

/**
 * `spread`: a topologySpreadConstraint on the hostname (maxSkew 1): each new pod goes to the schedulable
 * node with the fewest of them. `packed`: no constraint, and every pod lands on the first schedulable node
 * (what happens when one node has the most free room, e.g. the one just added).
 */
export type Placement = 'spread' | 'packed'

/** Simulated nodes: names, cordons, and the scheduler's choice for a new pod. */
export class Nodes {
  readonly names: string[]
  readonly #cordoned = new Set<string>()
  readonly #placement: Placement
  readonly #pods: () => Pod[]
  readonly #events: EventLog

  constructor(count: number, placement: Placement, pods: () => Pod[], events: EventLog) {
    this.names = Array.from({ length: count }, (_, i) => `node-${i + 1}`)
    this.#placement = placement
    this.#pods = pods
    this.#events = events
  }

  get placement(): Placement {
    return this.#placement
  }

  /** Live (not terminating) pods on a node. */
  podsOn(node: string): Pod[] {
    return this.#pods().filter((pod) => pod.node === node && !pod.terminating)
  }

  /** `kubectl cordon`: no new pod is scheduled there; the ones running stay. */
  cordon(node: string): void {
    this.#cordoned.add(node)
    this.#events.record({ type: 'node-cordoned', detail: node })
  }

  /** `kubectl uncordon`: the node takes new pods again. */
  uncordon(node: string): void {
    if (this.#cordoned.delete(node)) this.#events.record({ type: 'node-uncordoned', detail: node })
  }

  schedulable(node: string): boolean {
    return !this.#cordoned.has(node)
  }

  /** The node for a new pod; throws when every node is cordoned (the pod would stay Pending). */
  place(): string {
    const candidates = this.names.filter((node) => this.schedulable(node))
    const first = candidates[0]
    if (first === undefined) throw new NoSchedulableNodeError(this.names.length)
    if (this.#placement === 'packed') return first
    return candidates.reduce((best, node) =>
      this.podsOn(node).length < this.podsOn(best).length ? node : best,
    )
  }

  /** The node running the most pods (the worst one to lose), first by name on a tie. */
  busiest(): string {
    return this.names.reduce((best, node) =>
      this.podsOn(node).length > this.podsOn(best).length ? node : best,
    )
  }

  /** Where the pods are: node → pod names. */
  layout(): Record<string, string[]> {
    return Object.fromEntries(this.names.map((node) => [node, this.podsOn(node).map((pod) => pod.name)]))
  }
}

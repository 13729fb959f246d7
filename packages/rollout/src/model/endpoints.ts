import type { ServiceBalancer } from './balancer.ts'
import { jittered } from './clock.ts'
import type { EventLog } from './events.ts'
import type { Pod } from './pod.ts'

export interface PropagationSpec {
  /** How long endpoint changes take to reach the balancer (kube-proxy: ~1 s; ingress/LBs: more). */
  delayMs: number
  jitterMs: number
}

export type Selector = Readonly<Record<string, string>>

export function matches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value)
}

/**
 * The EndpointSlice controller and its consumers: a pod is an endpoint while it is ready, not terminating
 * and matched by the Service's selector; every change reaches the balancer only after the propagation
 * delay (with jitter), and a later change for the same pod supersedes an earlier one still in flight.
 * Changes arrive in the order they were made: a watcher such as kube-proxy applies EndpointSlice updates in
 * order, so a later state never overtakes an earlier one (with independent jitter per change, a removal
 * could otherwise land before an earlier addition and leave the Service with no endpoint at all).
 */
type Batch = Array<{ pod: Pod; member: boolean; generation: number }>

export class EndpointsController {
  readonly #generation = new Map<string, number>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #pods = new Set<Pod>()
  #selector: Selector = {}
  /** performance.now() at which the latest scheduled change reaches the balancer. */
  #appliesAt = 0
  /** Scheduled updates not applied yet, in the order they were made. */
  readonly #queue: Array<{ batch: Batch; applied: boolean }> = []

  readonly #balancer: ServiceBalancer
  readonly #propagation: PropagationSpec
  readonly #events: EventLog
  readonly #service: string | undefined

  /** `service` names a further Service's endpoint events (the run's main Service leaves it unset). */
  constructor(balancer: ServiceBalancer, propagation: PropagationSpec, events: EventLog, service?: string) {
    this.#balancer = balancer
    this.#propagation = propagation
    this.#events = events
    this.#service = service
  }

  get selector(): Selector {
    return this.#selector
  }

  watch(pod: Pod): void {
    this.#pods.add(pod)
    const update = () => this.#schedule([[pod, this.#wanted(pod)]])
    pod.on('ready', update)
    pod.on('terminating', update)
    if (pod.ready) update()
  }

  /** The Service's selector as it is created, before any pod exists: no switch, no event. */
  selectInitially(selector: Selector): void {
    this.#selector = { ...selector }
  }

  /**
   * Changes the Service's selector (a blue-green switch). The EndpointSlice is rewritten as one update, so
   * the balancer swaps the whole set at once, after one propagation delay: no moment with both colours or
   * with neither.
   */
  setSelector(selector: Selector, detail?: string): void {
    this.#selector = { ...selector }
    this.#events.record({
      type: 'selector-switched',
      detail:
        detail ??
        Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
    })
    this.#schedule([...this.#pods].map((pod) => [pod, this.#wanted(pod)]))
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#queue.length = 0
  }

  #wanted(pod: Pod): boolean {
    return pod.ready && !pod.terminating && matches(this.#selector, pod.labels)
  }

  #apply(batch: Batch): void {
    for (const { pod, member, generation } of batch) {
      if (this.#generation.get(pod.name) !== generation) continue
      const isMember = this.#balancer.endpointNames.includes(pod.name)
      if (member === isMember) continue
      this.#balancer.setEndpoint(pod.name, member ? { host: '127.0.0.1', port: pod.port } : undefined)
      this.#events.record({
        type: member ? 'endpoint-added' : 'endpoint-removed',
        pod: pod.name,
        version: pod.version,
        ...(this.#service ? { service: this.#service } : {}),
      })
    }
  }

  #schedule(changes: Array<[Pod, boolean]>): void {
    // Additions first: one update never leaves the balancer empty in between.
    const batch = changes
      .map(([pod, member]) => {
        const generation = (this.#generation.get(pod.name) ?? 0) + 1
        this.#generation.set(pod.name, generation)
        return { pod, member, generation }
      })
      .sort((a, b) => Number(b.member) - Number(a.member))
    const now = performance.now()
    const at = Math.max(
      now + jittered(this.#propagation.delayMs, this.#propagation.jitterMs),
      this.#appliesAt,
    )
    this.#appliesAt = at
    const update = { batch, applied: false }
    this.#queue.push(update)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      // Timers due in the same millisecond may fire in either order: apply every earlier update first.
      while (!update.applied) {
        const next = this.#queue.shift()
        if (!next) break
        next.applied = true
        this.#apply(next.batch)
      }
    }, at - now)
    timer.unref()
    this.#timers.add(timer)
  }
}

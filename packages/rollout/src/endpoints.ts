import type { ServiceBalancer } from './balancer.ts'
import { jittered } from './clock.ts'
import type { EventLog } from './events.ts'
import type { Pod } from './pod.ts'

export interface PropagationSpec {
  /** How long endpoint changes take to reach the balancer (kube-proxy: ~1 s; ingress/LBs: more). */
  delayMs: number
  jitterMs: number
}

/**
 * The EndpointSlice controller and its consumers: a pod is an endpoint while it is ready and not
 * terminating; every change reaches the balancer only after the propagation delay (with jitter), and a
 * later change for the same pod supersedes an earlier one still in flight.
 */
export class EndpointsController {
  readonly #generation = new Map<string, number>()
  readonly #timers = new Set<NodeJS.Timeout>()

  readonly #balancer: ServiceBalancer
  readonly #propagation: PropagationSpec
  readonly #events: EventLog

  constructor(balancer: ServiceBalancer, propagation: PropagationSpec, events: EventLog) {
    this.#balancer = balancer
    this.#propagation = propagation
    this.#events = events
  }

  watch(pod: Pod): void {
    const update = () => this.#schedule(pod, pod.ready && !pod.terminating)
    pod.on('ready', update)
    pod.on('terminating', update)
    if (pod.ready) update()
  }

  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
  }

  #schedule(pod: Pod, member: boolean): void {
    const generation = (this.#generation.get(pod.name) ?? 0) + 1
    this.#generation.set(pod.name, generation)
    const timer = setTimeout(
      () => {
        this.#timers.delete(timer)
        if (this.#generation.get(pod.name) !== generation) return
        const isMember = this.#balancer.endpointNames.includes(pod.name)
        if (member === isMember) return
        this.#balancer.setEndpoint(pod.name, member ? { host: '127.0.0.1', port: pod.port } : undefined)
        this.#events.record({
          type: member ? 'endpoint-added' : 'endpoint-removed',
          pod: pod.name,
          version: pod.version,
        })
      },
      jittered(this.#propagation.delayMs, this.#propagation.jitterMs),
    )
    timer.unref()
    this.#timers.add(timer)
  }
}

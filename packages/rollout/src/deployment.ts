import { setTimeout as sleep } from 'node:timers/promises'
import type { Clock } from './clock.ts'
import { PodStartError, RolloutTimeoutError } from './errors.ts'
import type { EventLog } from './events.ts'
import { Pod, type PodSpec, type PodTemplate, type Termination } from './pod.ts'
import { freePort } from './ports.ts'
import { resolveRolling, type Strategy } from './strategy.ts'

export interface DeploymentSpec {
  name: string
  replicas: number
  strategy: Strategy
  minReadyMs: number
  pod: PodSpec
  /** Upper bound for one rollout; past it the rollout fails with the pods' state. */
  progressDeadlineMs: number
}

const RECONCILE_INTERVAL_MS = 25

/**
 * A Deployment and its controller, reduced to what decides request loss: which pods exist, when new ones
 * are created and when old ones are deleted. RollingUpdate follows the controller's arithmetic
 * (surge bound on creation, availability bound on deletion, unhealthy old pods cleaned up first).
 */
export class Deployment {
  readonly pods: Pod[] = []
  readonly terminations: Termination[] = []
  readonly #pending: Promise<Termination>[] = []
  #serial = 0

  readonly spec: DeploymentSpec
  readonly #clock: Clock
  readonly #events: EventLog
  readonly #onPod: (pod: Pod) => void

  constructor(spec: DeploymentSpec, clock: Clock, events: EventLog, onPod: (pod: Pod) => void) {
    this.spec = spec
    this.#clock = clock
    this.#events = events
    this.#onPod = onPod
  }

  /** Pods not being deleted. */
  get live(): Pod[] {
    return this.pods.filter((pod) => !pod.terminating)
  }

  /** Creates the first ReplicaSet and waits until every replica is available. */
  async create(template: PodTemplate): Promise<void> {
    const created = await Promise.all(
      Array.from({ length: this.spec.replicas }, () => this.#createPod(template)),
    )
    await this.#until(() => created.every((pod) => pod.available(this.spec.minReadyMs)), 'initial')
  }

  /** Rolls to `template` with the Deployment's strategy; resolves once old pods have exited. */
  async rollout(template: PodTemplate): Promise<void> {
    if (this.spec.strategy.type === 'Recreate') await this.#recreate(template)
    else await this.#rolling(template)
    await Promise.all(this.#pending)
  }

  /** Teardown: kills every pod still running, including any still draining. */
  async killAll(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.kill()))
  }

  async #recreate(template: PodTemplate): Promise<void> {
    for (const pod of this.live) this.#delete(pod)
    await Promise.all(this.#pending)
    const created = await Promise.all(
      Array.from({ length: this.spec.replicas }, () => this.#createPod(template)),
    )
    await this.#until(() => created.every((pod) => pod.available(this.spec.minReadyMs)), 'Recreate')
  }

  async #rolling(template: PodTemplate): Promise<void> {
    if (this.spec.strategy.type !== 'RollingUpdate') return
    const { replicas, minReadyMs } = this.spec
    const { maxSurge, maxUnavailable } = resolveRolling(
      replicas,
      this.spec.strategy.maxSurge,
      this.spec.strategy.maxUnavailable,
    )
    const isNew = (pod: Pod) => pod.template === template
    let creating = 0
    const done = () => {
      const live = this.live
      return live.length === replicas && live.every((pod) => isNew(pod) && pod.available(minReadyMs))
    }
    const reconcile = () => {
      const live = this.live
      const fresh = live.filter(isNew)
      const old = live.filter((pod) => !isNew(pod))
      // Scale up the new ReplicaSet within the surge bound.
      const scaleUp = Math.min(
        replicas + maxSurge - live.length - creating,
        replicas - fresh.length - creating,
      )
      for (let i = 0; i < scaleUp; i += 1) {
        creating += 1
        void this.#createPod(template).finally(() => {
          creating -= 1
        })
      }
      // Scale down old ones within the availability bound; unhealthy old pods go first.
      const minAvailable = replicas - maxUnavailable
      const freshUnavailable = fresh.filter((pod) => !pod.available(minReadyMs)).length + creating
      let budget = live.length + creating - minAvailable - freshUnavailable
      for (const pod of old.filter((p) => !p.available(minReadyMs))) {
        if (budget <= 0) break
        this.#delete(pod)
        budget -= 1
      }
      const available = this.live.filter((pod) => pod.available(minReadyMs)).length
      let scaleDown = Math.min(budget, available - minAvailable)
      for (const pod of this.live.filter((p) => !isNew(p))) {
        if (scaleDown <= 0) break
        this.#delete(pod)
        scaleDown -= 1
      }
    }
    await this.#until(() => {
      if (!done()) reconcile()
      return done()
    }, 'RollingUpdate')
  }

  async #createPod(template: PodTemplate): Promise<Pod> {
    this.#serial += 1
    const name = `${this.spec.name}-${template.version}-${this.#serial.toString(36).padStart(4, '0')}`
    const [port, managementPort] = [await freePort(), await freePort()]
    const pod = new Pod(name, template, { port, managementPort }, this.spec.pod, this.#clock, this.#events)
    this.pods.push(pod)
    this.#onPod(pod)
    pod.start()
    return pod
  }

  #delete(pod: Pod): void {
    if (pod.terminating) return
    const termination = pod.terminate()
    this.#pending.push(termination)
    void termination.then((result) => this.terminations.push(result))
  }

  async #until(condition: () => boolean, what: string): Promise<void> {
    const deadline = this.#clock() + this.spec.progressDeadlineMs
    while (!condition()) {
      if (this.#clock() > deadline) {
        const notReady = this.live.find((pod) => !pod.ready)
        if (what === 'initial' && notReady) {
          throw new PodStartError(notReady.name, this.spec.progressDeadlineMs, notReady.logTail.join('\n'))
        }
        throw new RolloutTimeoutError(what, this.spec.progressDeadlineMs, this.describe())
      }
      await sleep(RECONCILE_INTERVAL_MS, undefined, { ref: false })
    }
  }

  describe(): string {
    return this.pods.map((pod) => `${pod.name}(${pod.phase}${pod.ready ? ',ready' : ''})`).join(', ')
  }
}

import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@zdd/ports'
import { NoTemplateError, PodStartError, RolloutTimeoutError } from '../errors.ts'
import type { Clock } from './clock.ts'
import type { EventLog } from './events.ts'
import { Pod, type PodSpec, type PodTemplate, type Termination } from './pod.ts'
import { rollingUpdate } from './rolling-update.ts'
import type { Strategy } from './strategy.ts'

export interface DeploymentSpec {
  name: string
  replicas: number
  strategy: Strategy
  minReadyMs: number
  pod: PodSpec
  /** Upper bound for one rollout; past it the rollout fails with the pods' state. */
  progressDeadlineMs: number
}

/** The scheduler's choice of node for a new pod; undefined when the run has no nodes. */
export type Placer = (pod: Pod) => string | undefined

const RECONCILE_INTERVAL_MS = 25

/**
 * A Deployment and its controller, reduced to what decides request loss: which pods exist, when new ones
 * are created and when old ones are deleted. RollingUpdate follows the controller's arithmetic
 * (rolling-update.ts); scaling and replacing deleted pods follow the ReplicaSet controller.
 */
export class Deployment {
  readonly pods: Pod[] = []
  readonly terminations: Termination[] = []
  readonly #pending: Promise<Termination>[] = []
  #serial = 0
  #creating = 0
  #template: PodTemplate | undefined

  readonly spec: DeploymentSpec
  readonly #clock: Clock
  readonly #events: EventLog
  readonly #onPod: (pod: Pod) => void
  readonly #place: Placer

  constructor(
    spec: DeploymentSpec,
    clock: Clock,
    events: EventLog,
    onPod: (pod: Pod) => void,
    place: Placer = () => undefined,
  ) {
    this.spec = spec
    this.#clock = clock
    this.#events = events
    this.#onPod = onPod
    this.#place = place
  }

  /** Pods not being deleted. */
  get live(): Pod[] {
    return this.pods.filter((pod) => !pod.terminating)
  }

  get template(): PodTemplate | undefined {
    return this.#template
  }

  /** Creates the first ReplicaSet and waits until every replica is available. */
  async create(template: PodTemplate): Promise<void> {
    this.#template = template
    const created = await Promise.all(Array.from({ length: this.spec.replicas }, () => this.createPod()))
    await this.until(() => created.every((pod) => pod.available(this.spec.minReadyMs)), 'initial')
  }

  /**
   * Rolls to `template` with the Deployment's strategy; resolves once old pods have exited, or with
   * `settle` false as soon as every replica is new and available (old pods may still be draining).
   */
  async rollout(template: PodTemplate, settle = true): Promise<void> {
    this.#template = template
    if (this.spec.strategy.type === 'Recreate') await this.#recreate()
    else await rollingUpdate(this, template)
    if (settle) await this.settled()
  }

  /**
   * `kubectl scale`: new pods first (resolves once they are available), or deletes the surplus the way the
   * ReplicaSet controller ranks pods (not ready before ready, newest first) without waiting for them to exit.
   */
  async scale(replicas: number): Promise<void> {
    const from = this.live.length
    this.spec.replicas = replicas
    this.#events.record({ type: 'scaled', detail: `${this.spec.name} ${from} → ${replicas}` })
    if (replicas > from) {
      const created = await Promise.all(Array.from({ length: replicas - from }, () => this.createPod()))
      await this.until(() => created.every((pod) => pod.available(this.spec.minReadyMs)), 'scale')
      return
    }
    const surplus = [...this.live]
      .sort((a, b) => Number(a.ready) - Number(b.ready) || (b.readySinceMs ?? 0) - (a.readySinceMs ?? 0))
      .slice(0, from - replicas)
    for (const pod of surplus) this.deletePod(pod)
  }

  /**
   * Deletes one pod (an eviction, or the controller's own scale-down). When that leaves fewer live pods than
   * desired, the ReplicaSet creates a replacement at once, wherever the scheduler puts it.
   */
  deletePod(pod: Pod, replace = false): Promise<Termination> {
    if (!pod.terminating) {
      const termination = pod.terminate()
      this.#pending.push(termination)
      void termination.then((result) => this.terminations.push(result))
    }
    if (replace && this.live.length + this.#creating < this.spec.replicas) void this.createPod()
    return pod.terminate()
  }

  /** Resolves once every pod deleted so far has exited. */
  async settled(): Promise<void> {
    await Promise.all(this.#pending)
  }

  /** Teardown: kills every pod still running, including any still draining. */
  async killAll(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.kill()))
  }

  async createPod(template = this.#template): Promise<Pod> {
    if (!template) throw new NoTemplateError(this.spec.name)
    this.#serial += 1
    const name = `${this.spec.name}-${template.version}-${this.#serial.toString(36).padStart(4, '0')}`
    this.#creating += 1
    const [port, managementPort] = await Promise.all([freePort(), freePort()]).finally(() => {
      this.#creating -= 1
    })
    const pod = new Pod(name, template, { port, managementPort }, this.spec.pod, this.#clock, this.#events)
    pod.node = this.#place(pod)
    this.pods.push(pod)
    this.#onPod(pod)
    pod.start()
    return pod
  }

  async until(condition: () => boolean, what: string): Promise<void> {
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

  async #recreate(): Promise<void> {
    for (const pod of this.live) this.deletePod(pod)
    await this.settled()
    const created = await Promise.all(Array.from({ length: this.spec.replicas }, () => this.createPod()))
    await this.until(() => created.every((pod) => pod.available(this.spec.minReadyMs)), 'Recreate')
  }
}

import { setTimeout as sleep } from 'node:timers/promises'
import { ServiceBalancer } from './balancer.ts'
import { type Clock, startClock } from './clock.ts'
import { Deployment, type Placer } from './deployment.ts'
import { EndpointsController } from './endpoints.ts'
import { RolloutTimeoutError } from './errors.ts'
import { EventLog, type RolloutEvent } from './events.ts'
import { LoadGenerator, type RequestRecord } from './load.ts'
import type { RolloutOptions } from './options.ts'
import type { Pod, PodSpec, PodTemplate } from './pod.ts'
import { Progress, type ProgressSnapshot } from './progress.ts'

const ENDPOINTS_DEADLINE_MS = 60_000

export interface RolloutHooks {
  onProgress?: (snapshot: ProgressSnapshot) => void
  onEvent?: (event: RolloutEvent) => void
  progressIntervalMs?: number
}

/**
 * The cluster a scenario runs in: one clock and event log, a Service (connection-level balancer fed by the
 * EndpointsController), the Deployments the scenario creates, and the open-loop load against the Service.
 */
export class Harness {
  readonly options: RolloutOptions
  readonly clock: Clock = startClock()
  readonly events: EventLog
  readonly balancer = new ServiceBalancer()
  readonly endpoints: EndpointsController
  readonly progress: Progress
  readonly deployments: Deployment[] = []
  /** http://127.0.0.1:<port> of the Service, once open() resolved. */
  serviceOrigin = ''
  loadStoppedMs = 0
  #load: LoadGenerator | undefined
  #ticker: NodeJS.Timeout | undefined
  #closed = false
  readonly #hooks: RolloutHooks
  readonly #unsubscribe: () => unknown

  constructor(options: RolloutOptions, hooks: RolloutHooks = {}) {
    this.options = options
    this.#hooks = hooks
    this.events = new EventLog(this.clock)
    this.progress = new Progress(this.clock)
    this.#unsubscribe = hooks.onEvent ? this.events.subscribe(hooks.onEvent) : () => false
    this.endpoints = new EndpointsController(
      this.balancer,
      { delayMs: options.propagationDelayMs, jitterMs: options.propagationJitterMs },
      this.events,
    )
  }

  get podSpec(): PodSpec {
    const probe = { periodMs: this.options.probePeriodMs, timeoutMs: 1000, successThreshold: 1 }
    return {
      readiness: { path: '/readyz', failureThreshold: 1, ...probe },
      liveness: { path: '/livez', failureThreshold: 3, ...probe },
      preStopMs: this.options.preStopMs,
      terminationGracePeriodMs: this.options.terminationGracePeriodMs,
    }
  }

  get records(): readonly RequestRecord[] {
    return this.#load?.records ?? []
  }

  /** Every pod not being deleted, across the scenario's Deployments. */
  get livePods(): Pod[] {
    return this.deployments.flatMap((deployment) => deployment.live)
  }

  /** A Deployment whose pods become endpoints of the Service when its selector matches them. */
  deployment(name: string, replicas: number, place?: Placer): Deployment {
    const { options } = this
    const deployment = new Deployment(
      {
        name,
        replicas,
        strategy: options.strategy,
        minReadyMs: options.minReadyMs,
        progressDeadlineMs: 120_000,
        pod: this.podSpec,
      },
      this.clock,
      this.events,
      (pod) => this.endpoints.watch(pod),
      place,
    )
    this.deployments.push(deployment)
    return deployment
  }

  /** The service at `version`, prepared or not; every pod is labelled app=<service>, plus `labels`. */
  template(version: string, labels: Record<string, string> = {}): PodTemplate {
    const { options } = this
    return {
      version,
      command: process.execPath,
      args: [options.service.entry],
      labels: { app: options.service.name, ...labels },
      env: {
        LOG_LEVEL: 'warn',
        ...options.service.env,
        SHUTDOWN_MODE: options.unprepared ? 'unprepared' : 'graceful',
        SHUTDOWN_DELAY_MS: String(options.shutdownDelayMs),
        SHUTDOWN_TIMEOUT_MS: String(
          Math.max(options.terminationGracePeriodMs - 1000, options.shutdownDelayMs + 1000),
        ),
      },
    }
  }

  versionOfPod(name: string): string | undefined {
    for (const deployment of this.deployments) {
      const pod = deployment.pods.find((candidate) => candidate.name === name)
      if (pod) return pod.version
    }
    return undefined
  }

  async open(): Promise<void> {
    this.serviceOrigin = `http://127.0.0.1:${await this.balancer.listen()}`
    if (this.#hooks.onProgress) {
      this.#ticker = setInterval(
        () => this.#hooks.onProgress?.(this.progress.snapshot()),
        this.#hooks.progressIntervalMs ?? 200,
      )
      this.#ticker.unref()
    }
  }

  /** Until the Service's balancer has `count` endpoints (the pods are ready and propagated). */
  async waitForEndpoints(count: number): Promise<void> {
    await this.#until(() => this.balancer.endpointNames.length >= count, `${count} endpoints`)
  }

  /** Until every pod of `present` is an endpoint of the Service and no pod of `absent` is any more. */
  async waitForEndpointSet(present: readonly Pod[], absent: readonly Pod[]): Promise<void> {
    const settled = () => {
      const names = new Set(this.balancer.endpointNames)
      return present.every((pod) => names.has(pod.name)) && absent.every((pod) => !names.has(pod.name))
    }
    await this.#until(settled, 'the endpoint update')
  }

  async #until(condition: () => boolean, what: string): Promise<void> {
    const deadline = this.clock() + ENDPOINTS_DEADLINE_MS
    while (!condition()) {
      if (this.clock() > deadline) {
        throw new RolloutTimeoutError(what, ENDPOINTS_DEADLINE_MS, this.balancer.endpointNames.join(', '))
      }
      await sleep(20, undefined, { ref: false })
    }
  }

  /** Starts the open-loop load against the Service (or another front, e.g. a gateway, at `origin`). */
  startLoad(origin = this.serviceOrigin): void {
    const { options } = this
    this.#load = new LoadGenerator(
      {
        origin,
        path: options.service.path,
        rps: options.rps,
        connections: options.connections,
        timeoutMs: options.requestTimeoutMs,
        maxRequestsPerConnection: options.maxRequestsPerConnection,
        routeOf: (port) => this.balancer.routeOf(port),
      },
      this.clock,
      (record) => this.progress.add(record),
    )
    this.#load.start()
    const churn = options.maxRequestsPerConnection
    this.events.record({
      type: 'load-started',
      detail: `${options.rps} req/s over ≤${options.connections} connections${churn ? `, each closed after ${churn} requests` : ''}`,
    })
  }

  async stopLoad(): Promise<void> {
    const load = this.#load
    if (!load || this.loadStoppedMs) return
    await load.stop()
    this.loadStoppedMs = this.clock()
    this.events.record({ type: 'load-stopped' })
  }

  /** Stops everything started; safe to call twice. */
  async teardown(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#ticker)
    this.#hooks.onProgress?.(this.progress.snapshot())
    this.#unsubscribe()
    this.endpoints.stop()
    await Promise.all(this.deployments.map((deployment) => deployment.killAll()))
    await this.balancer.close()
  }
}

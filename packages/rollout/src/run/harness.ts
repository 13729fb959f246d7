// Longer than the ~250 lines the style guide asks: the Harness is one object whose parts (Services,
// Deployments, load, progress) share its clock, its event log and one teardown order; split, that order
// would be spread over files.
import { setTimeout as sleep } from 'node:timers/promises'
import { RolloutTimeoutError } from '../errors.ts'
import { ServiceBalancer } from '../model/balancer.ts'
import { type Clock, startClock } from '../model/clock.ts'
import { Deployment, type Placer } from '../model/deployment.ts'
import { EndpointsController, type Selector } from '../model/endpoints.ts'
import { EventLog, type RolloutEvent } from '../model/events.ts'
import type { Pod, PodSpec, PodTemplate } from '../model/pod.ts'
import { LoadGenerator, type LoadSpec, type RequestRecord } from './load.ts'
import type { RolloutOptions } from './options.ts'
import { Progress, type ProgressSnapshot } from './progress.ts'

const ENDPOINTS_DEADLINE_MS = 60_000

/** A further Service of the run (the canary's, a backend behind a gateway): its own balancer and endpoints. */
export interface ServiceFront {
  name: string
  /** http://127.0.0.1:<port> */
  origin: string
  balancer: ServiceBalancer
  endpoints: EndpointsController
}

/** What a pod runs: a built service (its entry point) and its own environment. */
export interface ServiceRef {
  name: string
  entry: string
  env?: Record<string, string>
}

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
  /** Services beyond the main one (addService), each selecting pods by its own selector. */
  readonly services: ServiceFront[] = []
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
    const { readiness, liveness } = this.options.service.probes ?? {}
    return {
      readiness: { path: '/readyz', port: 'management', ...readiness, failureThreshold: 1, ...probe },
      liveness: { path: '/livez', port: 'management', ...liveness, failureThreshold: 3, ...probe },
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
      (pod) => {
        this.endpoints.watch(pod)
        for (const service of this.services) service.endpoints.watch(pod)
      },
      place,
    )
    this.deployments.push(deployment)
    return deployment
  }

  /**
   * Another Service with its own connection-level balancer and endpoints, selecting pods of any of the
   * run's Deployments by `selector`; its endpoint events carry its name. The main Service should then
   * select by labels too (`endpoints.selectInitially`), or it takes every pod.
   */
  async addService(name: string, selector: Selector): Promise<ServiceFront> {
    const balancer = new ServiceBalancer()
    const propagation = {
      delayMs: this.options.propagationDelayMs,
      jitterMs: this.options.propagationJitterMs,
    }
    const endpoints = new EndpointsController(balancer, propagation, this.events, name)
    endpoints.selectInitially(selector)
    const service = { name, origin: '', balancer, endpoints }
    this.services.push(service)
    for (const pod of this.deployments.flatMap((deployment) => deployment.pods)) endpoints.watch(pod)
    service.origin = `http://127.0.0.1:${await balancer.listen()}`
    return service
  }

  /**
   * The service at `version`, prepared or not; every pod is labelled app=<service>, plus `labels`. `service`
   * runs another built service than the run's own (a gateway in front, a backend behind it).
   */
  template(
    version: string,
    labels: Record<string, string> = {},
    service: ServiceRef = this.options.service,
  ): PodTemplate {
    const { options } = this
    return {
      version,
      command: process.execPath,
      args: [service.entry],
      labels: { app: service.name, ...labels },
      env: {
        LOG_LEVEL: 'warn',
        ...service.env,
        SHUTDOWN_MODE: options.unprepared ? 'unprepared' : 'graceful',
        SHUTDOWN_DELAY_MS: String(options.shutdownDelayMs),
        ...(options.shutdownQuietMs === undefined
          ? {}
          : { SHUTDOWN_QUIET_MS: String(options.shutdownQuietMs) }),
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

  /** Until the Service's balancer (or `service`'s) has `count` endpoints (the pods are ready and propagated). */
  async waitForEndpoints(count: number, service?: ServiceFront): Promise<void> {
    const balancer = service?.balancer ?? this.balancer
    const what = `${count} endpoints${service ? ` of ${service.name}` : ''}`
    await this.#until(() => balancer.endpointNames.length >= count, what)
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

  /**
   * Starts the open-loop load against the Service (or another front, e.g. a gateway, at `origin`); `spec`
   * overrides parts of the load (path, users, the headers that name who served, …).
   */
  startLoad(origin = this.serviceOrigin, spec: Partial<LoadSpec> = {}): void {
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
        ...spec,
      },
      this.clock,
      (record) => this.progress.add(record),
    )
    this.#load.start()
    const churn = options.maxRequestsPerConnection
    this.events.record({
      type: 'load-started',
      detail: `${options.rps} req/s over ≤${options.connections} connections${churn ? `, each closed after ${churn} requests` : ''}${spec.users ? `, ${spec.users} users` : ''}${spec.path ? `, GET ${spec.path}` : ''}`,
    })
  }

  /**
   * Until every request sent up to `tMs` has its answer or its failure (bounded by the request timeout), so
   * that a window's records are complete: the slowest requests are the last to arrive.
   */
  async answersUntil(tMs: number): Promise<void> {
    const deadline = this.clock() + this.options.requestTimeoutMs + 1000
    while (this.clock() < deadline) {
      const oldest = this.#load?.oldestInFlightMs()
      if (oldest === undefined || oldest > tMs) return
      await sleep(20, undefined, { ref: false })
    }
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
    for (const service of this.services) service.endpoints.stop()
    await Promise.all(this.deployments.map((deployment) => deployment.killAll()))
    await Promise.all([this.balancer, ...this.services.map((s) => s.balancer)].map((b) => b.close()))
  }
}

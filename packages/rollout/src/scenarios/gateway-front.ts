import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Deployment } from '../model/deployment.ts'
import type { AppStack, FlagChange } from '../run/app-stack.ts'
import type { Harness, ServiceFront, ServiceRef } from '../run/harness.ts'
import type { RolloutOptions } from '../run/options.ts'
import { invalidOption } from '../schema/rules.ts'
import { type GatewayCounters, GatewayWatch } from './gateway-metrics.ts'
import type { ScenarioDetails } from './runner.ts'

/** The gateway's route table (GATEWAY_ROUTES), as services/gateway/README.md describes it. */
export interface RouteTable {
  upstreams: Record<string, string>
  routes: Array<Record<string, unknown>>
}

/** The version label of a gateway that is not itself the subject of the run. */
export const GATEWAY_VERSION = 'gw'

/** The flag the gateway reads for its app-level canary of the catalog. */
export const CANARY_FLAG = 'catalog-canary'
/** The gateway polls its flags file every ~250 ms: a change is judged from this long after the write. */
export const FLAG_SETTLE_MS = 600

/** The paths the load requests through the gateway's routes. */
export const GATEWAY_PATHS = { catalog: '/api/catalog/products', recommendations: '/api/recommendations' }

export function stackOf(options: RolloutOptions): AppStack {
  if (!options.stack)
    throw invalidOption('stack', `is needed: ${options.scenario.kind} runs a gateway`, undefined)
  return options.stack
}

/** A run's own copy of the flags file, with `changes` applied before any service reads it. */
export class ScratchFlags {
  readonly path: string
  readonly #dir: string
  readonly #stack: AppStack

  private constructor(dir: string, stack: AppStack) {
    this.#dir = dir
    this.#stack = stack
    this.path = join(dir, 'flags.json')
  }

  static async create(stack: AppStack, changes: readonly FlagChange[]): Promise<ScratchFlags> {
    const scratch = new ScratchFlags(await mkdtemp(join(tmpdir(), 'zdd-flags-')), stack)
    await copyFile(stack.flagsFile, scratch.path)
    if (changes.length > 0) stack.editFlags(scratch.path, changes)
    return scratch
  }

  /** One atomic write; the gateway and the backends pick it up within their poll interval (~250 ms). */
  edit(changes: readonly FlagChange[]): void {
    this.#stack.editFlags(this.path, changes)
  }

  async remove(): Promise<void> {
    await rm(this.#dir, { recursive: true, force: true })
  }
}

export function gatewayRef(stack: AppStack, routes: RouteTable, flagsFile: string): ServiceRef {
  return {
    name: 'gateway',
    entry: stack.entries.gateway,
    env: {
      GATEWAY_ROUTES: JSON.stringify(routes),
      FLAGS_FILE: flagsFile,
      // The harness's load generator (127.0.0.1) names its users with x-zdd-user, as an authenticating
      // proxy would: @zdd/gateway's LOCAL_DEMO_ENV.
      TRUST_PROXY: '127.0.0.1',
      GATEWAY_USER_HEADER: 'x-zdd-user',
      GATEWAY_DEMO_PAGE: 'true',
    },
  }
}

/**
 * A gateway Deployment in front of the run's backends, watched for its counters and logs. As the main
 * Service (`main`, the default) the load goes through it: create it before any other pod, the main Service
 * then selects the gateway only.
 */
export class GatewayFront {
  readonly deployment: Deployment
  readonly watch: GatewayWatch

  constructor(h: Harness, replicas = 1, main = true) {
    if (main) h.endpoints.selectInitially({ app: 'gateway' })
    this.deployment = h.deployment('gateway', replicas)
    this.watch = new GatewayWatch(() => this.deployment.pods, h.clock)
  }

  async create(h: Harness, ref: ServiceRef, version = GATEWAY_VERSION): Promise<void> {
    await this.deployment.create(h.template(version, {}, ref))
    this.watch.start()
  }
}

/** Until each Service has its endpoints: `[service, count]`. */
/** Open-loop load on the gateway's recommendations route, each request naming one of `users` users. */
export function startRecommendationsLoad(h: Harness, users: number): void {
  h.startLoad(h.serviceOrigin, { path: GATEWAY_PATHS.recommendations, users, idleFirst: true })
}

export async function waitForServices(h: Harness, wanted: Array<[ServiceFront, number]>): Promise<void> {
  await Promise.all(wanted.map(([service, count]) => h.waitForEndpoints(count, service)))
}

/** The backends behind the gateway have their endpoints, then the gateway in front has one. */
export async function waitForBackendsAndGateway(
  h: Harness,
  wanted: Array<[ServiceFront, number]>,
): Promise<void> {
  await waitForServices(h, wanted)
  await h.waitForEndpoints(1)
}

/**
 * What every gateway runner shares: its own flags file, the gateway in front, and the gateway's counters
 * read at the end (`collect`), plus the cleanup of the flags file.
 */
export class GatewayRun {
  readonly stack: AppStack
  flags: ScratchFlags | undefined
  front: GatewayFront | undefined
  counters: GatewayCounters | undefined

  constructor(options: RolloutOptions) {
    this.stack = stackOf(options)
  }

  /**
   * The flags file (with `changes`) and the gateway Deployment (`replicas`, the main Service's unless
   * `main` is false), before any other pod.
   */
  async prepare(
    h: Harness,
    changes: readonly FlagChange[],
    gateway: { replicas?: number; main?: boolean } = {},
  ): Promise<{ flags: ScratchFlags; front: GatewayFront }> {
    const flags = await ScratchFlags.create(this.stack, changes)
    this.flags = flags
    const front = new GatewayFront(h, gateway.replicas, gateway.main)
    this.front = front
    return { flags, front }
  }

  /** FLAGS_FILE of this run, for a backend that evaluates flags too. */
  withFlags(ref: ServiceRef): ServiceRef {
    return { ...ref, env: { ...ref.env, FLAGS_FILE: this.flags?.path ?? this.stack.flagsFile } }
  }

  async collect(): Promise<void> {
    if (!this.front) return
    await this.front.watch.stop()
    this.counters = this.front.watch.counters()
  }

  async cleanup(): Promise<void> {
    await this.flags?.remove()
  }

  details(): ScenarioDetails {
    return this.counters ? { gateway: this.counters } : {}
  }
}

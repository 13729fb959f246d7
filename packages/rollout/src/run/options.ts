import { type Static, Type } from '@sinclair/typebox'
import type { Strategy } from '../model/strategy.ts'
import type { AppStack } from './app-stack.ts'

const ms = (description: string, fallback: number, minimum = 0, maximum = 600_000) =>
  Type.Integer({ description, default: fallback, minimum, maximum })

/**
 * The options every run takes, with their defaults and bounds: the one place they are written. The CLI's
 * common flags, their help and the report's `parameters` come from here; each scenario adds its own
 * (scenarios/*.scenario.ts) and may start from other defaults (`runDefaults`).
 */
export const RunSchema = Type.Object({
  replicas: Type.Integer({
    description: 'replicas of the Deployment under test',
    default: 3,
    minimum: 1,
    maximum: 20,
  }),
  rps: Type.Integer({ description: 'open-loop request rate', default: 200, minimum: 1, maximum: 20_000 }),
  connections: Type.Integer({
    description: 'keep-alive connections the client may open',
    default: 32,
    minimum: 1,
    maximum: 1024,
  }),
  maxRequestsPerConnection: Type.Integer({
    description:
      'the client closes a connection after this many requests, 0 never (kube-proxy moves only new connections)',
    default: 0,
    minimum: 0,
    maximum: 1_000_000,
  }),
  // Measured on the real node of `zdd cluster up` (`zdd cluster propagation`, 20 pod deletions): removal
  // from kube-proxy's rules 69–760 ms after the deletion (p50 584), bimodal around 200 and 700 ms because
  // kube-proxy applies at most one change per second (minSyncPeriod). 450 ± 350 spans that range.
  propagationDelayMs: ms(
    'endpoint propagation delay (measured on the real node: 69–760 ms, see zdd cluster propagation)',
    450,
    0,
    60_000,
  ),
  propagationJitterMs: ms('uniform jitter around that delay; at most the delay', 350, 0, 60_000),
  shutdownDelayMs: ms(
    'SHUTDOWN_DELAY_MS of the pods: the least drain (the adaptive drain then waits until arrivals stop)',
    0,
    0,
    120_000,
  ),
  shutdownQuietMs: Type.Optional(
    Type.Integer({
      description:
        "SHUTDOWN_QUIET_MS of the pods: serve until no new connection for this long; 0 = the fixed drain; unset: the lifecycle's own (1000)",
      minimum: 0,
      maximum: 600_000,
    }),
  ),
  unprepared: Type.Boolean({ description: 'run the unprepared control (closes on SIGTERM)', default: false }),
  prometheus: Type.Boolean({
    description:
      "start a real Prometheus for the run, scraping every pod's /metrics each second, and show its address",
    default: false,
  }),
  minReadyMs: ms('Deployment minReadySeconds, in ms', 0, 0, 120_000),
  preStopMs: ms('a preStop sleep before SIGTERM, in ms', 0, 0, 120_000),
  terminationGracePeriodMs: ms('terminationGracePeriodSeconds, in ms', 30_000, 1),
  probePeriodMs: ms('period of the readiness and liveness probes', 100, 10, 60_000),
  warmupMs: ms('load before the change starts', 1500),
  tailMs: ms('load after the change completed', 1500),
  requestTimeoutMs: ms('the client gives up on a request after this long', 5000, 10, 120_000),
  fromVersion: Type.String({
    description: 'the version running before the change',
    default: 'v1',
    minLength: 1,
  }),
  toVersion: Type.String({ description: 'the version the change brings', default: 'v2', minLength: 1 }),
})

export type RunSettings = Static<typeof RunSchema>

/** A scenario's options as the run holds them: its kind and what its schema allows. */
export type ScenarioOptions = { kind: string } & Record<string, unknown>

export interface RolloutOptions extends RunSettings {
  /** What the run does (scenarios/*.scenario.ts); default: rolling, or recreate for a Recreate strategy. */
  scenario: ScenarioOptions
  /** The Deployment strategy: the update itself for rolling/recreate, the stable's promotion for canary. */
  strategy: Strategy
  /**
   * The built service to run as pods, and the path the load hits. `probes` moves the readiness and liveness
   * probes (default `/readyz` and `/livez` on the management port), for services whose health endpoints
   * live elsewhere (third-party libraries serve their own paths, or on the traffic port).
   */
  service: { name: string; entry: string; path: string; env?: Record<string, string>; probes?: ServiceProbes }
  /** The gateway, the other services and the flags editor: required by the gateway scenarios only. */
  stack?: AppStack
}

/** Where the kubelet-like prober asks a pod: a path, on the management port unless `port` says traffic. */
export interface ProbeTarget {
  path: string
  port?: 'management' | 'traffic'
}

export interface ServiceProbes {
  readiness?: ProbeTarget
  liveness?: ProbeTarget
}

/** What a caller gives `runRollout`: the service, and any run or scenario option it does not leave to the defaults. */
export type GivenOptions = Partial<Omit<RolloutOptions, 'service' | 'scenario'>> &
  Pick<RolloutOptions, 'service'> & { scenario?: { kind: string } & Record<string, unknown> }

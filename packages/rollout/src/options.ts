import type { AppStack } from './app-stack.ts'
import { InvalidOptionError } from './errors.ts'
import { GATEWAY_SCENARIOS, type Scenario, validateScenario } from './scenario.ts'
import type { Strategy } from './strategy.ts'

export interface RolloutOptions {
  /** What the run does; defaults to the Deployment update `strategy` describes (rolling or recreate). */
  scenario: Scenario
  /** The Deployment strategy: the update itself for rolling/recreate, the stable's promotion for canary. */
  strategy: Strategy
  replicas: number
  rps: number
  connections: number
  propagationDelayMs: number
  propagationJitterMs: number
  /**
   * SHUTDOWN_DELAY_MS given to prepared pods: the least drain. 0 by default, the lifecycle's own default:
   * the adaptive drain keeps serving until new connections stop arriving, whatever the propagation.
   */
  shutdownDelayMs: number
  /** SHUTDOWN_QUIET_MS given to prepared pods; unset: the lifecycle's default (1 s); 0: the fixed drain. */
  shutdownQuietMs?: number
  unprepared: boolean
  minReadyMs: number
  preStopMs: number
  terminationGracePeriodMs: number
  probePeriodMs: number
  warmupMs: number
  tailMs: number
  requestTimeoutMs: number
  /** Requests per keep-alive connection before the client closes it; 0: never (see LoadSpec). */
  maxRequestsPerConnection: number
  fromVersion: string
  toVersion: string
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

export const ROLLOUT_DEFAULTS = {
  strategy: { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%' },
  replicas: 3,
  rps: 200,
  connections: 32,
  // Measured on the real node of `zdd cluster up` (`zdd cluster propagation`, 20 pod deletions): removal
  // from kube-proxy's rules 69–760 ms after the deletion (p50 584), bimodal around 200 and 700 ms because
  // kube-proxy applies at most one change per second (minSyncPeriod). 450 ± 350 spans that range.
  propagationDelayMs: 450,
  propagationJitterMs: 350,
  unprepared: false,
  minReadyMs: 0,
  preStopMs: 0,
  terminationGracePeriodMs: 30_000,
  probePeriodMs: 100,
  warmupMs: 1500,
  tailMs: 1500,
  requestTimeoutMs: 5000,
  maxRequestsPerConnection: 0,
  fromVersion: 'v1',
  toVersion: 'v2',
} as const satisfies Partial<RolloutOptions>

type Given = Partial<Omit<RolloutOptions, 'service'>> & Pick<RolloutOptions, 'service'>

function scenarioFor(given: Given): Pick<RolloutOptions, 'scenario' | 'strategy'> {
  const strategy = given.strategy ?? ROLLOUT_DEFAULTS.strategy
  const scenario = given.scenario ?? { kind: strategy.type === 'Recreate' ? 'recreate' : 'rolling' }
  if (scenario.kind === 'recreate') return { scenario, strategy: { type: 'Recreate' } }
  if (strategy.type === 'Recreate') {
    throw new InvalidOptionError('strategy', `Recreate does not fit the ${scenario.kind} scenario`)
  }
  return { scenario, strategy }
}

/** Fills defaults and rejects values that would make the run meaningless, naming the option. */
export function resolveOptions(given: Given): RolloutOptions {
  const merged = { ...ROLLOUT_DEFAULTS, ...dropUndefined(given) } as Omit<
    RolloutOptions,
    'shutdownDelayMs'
  > & {
    shutdownDelayMs?: number
  }
  const shutdownDelayMs = merged.shutdownDelayMs ?? 0
  const options: RolloutOptions = { ...merged, ...scenarioFor(given), shutdownDelayMs }
  const whole = (name: keyof RolloutOptions, min: number, max: number) => {
    const value = options[name] as number
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(name, `${value} must be a whole number from ${min} to ${max}`)
    }
  }
  whole('replicas', 1, 20)
  whole('rps', 1, 20_000)
  whole('connections', 1, 1024)
  whole('propagationDelayMs', 0, 60_000)
  whole('propagationJitterMs', 0, 60_000)
  whole('shutdownDelayMs', 0, 120_000)
  if (options.shutdownQuietMs !== undefined) whole('shutdownQuietMs', 0, 600_000)
  whole('minReadyMs', 0, 120_000)
  whole('preStopMs', 0, 120_000)
  whole('terminationGracePeriodMs', 1, 600_000)
  whole('probePeriodMs', 10, 60_000)
  whole('warmupMs', 0, 600_000)
  whole('tailMs', 0, 600_000)
  whole('requestTimeoutMs', 10, 120_000)
  whole('maxRequestsPerConnection', 0, 1_000_000)
  if (options.propagationJitterMs > options.propagationDelayMs) {
    throw new InvalidOptionError(
      'propagationJitterMs',
      `must not exceed propagationDelayMs (${options.propagationDelayMs})`,
    )
  }
  if (options.fromVersion === options.toVersion) {
    throw new InvalidOptionError('toVersion', `must differ from fromVersion ("${options.fromVersion}")`)
  }
  validateScenario(options.scenario, options.replicas)
  if (GATEWAY_SCENARIOS.has(options.scenario.kind) && !options.stack) {
    throw new InvalidOptionError(
      'stack',
      `the ${options.scenario.kind} scenario runs a gateway and needs the built services and a flags editor`,
    )
  }
  return options
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

import {
  ROLLOUT_DEFAULTS,
  type resolveOptions,
  SCENARIO_DEFAULTS,
  type Scenario,
  type Strategy,
} from '@zdd/rollout'
import { intFlag } from '../args.ts'
import { UsageError } from '../errors.ts'
import { serviceEntry } from '../paths.ts'
import { appStack } from './app-stack.ts'
import { GATEWAY_STRATEGIES, ownersOf, type StrategyName } from './flags.ts'
import {
  choiceFlag,
  pdbFlag,
  percentagesFlag,
  percentFlag,
  placementFlag,
  stepsFlag,
  variantsFlag,
} from './scenario-flags.ts'

export type Flags = Record<string, string | boolean | undefined>
export type DemoOptions = Parameters<typeof resolveOptions>[0]

const DEFAULT_REPLICAS: Record<StrategyName, number> = {
  rolling: 3,
  recreate: 3,
  'blue-green': 3,
  canary: 4,
  'node-drain': 4,
  'canary-flags': 2,
  ab: 2,
  shadow: 2,
  'feature-switch': 2,
  'gateway-rolling': 3,
}

/**
 * The canary's clients recycle their connections (as proxies do after a number of requests), so that a new
 * canary pod gets its share within the seconds this time-compressed demo lasts: kube-proxy balances new
 * connections only. Blue-green keeps them for the whole run, as pooled clients do: they stay on blue after
 * the switch until blue, draining, closes them (`Connection: close`), which is the point to see.
 */
const DEFAULT_MAX_REQUESTS: Record<StrategyName, number> = {
  rolling: 0,
  recreate: 0,
  'blue-green': 0,
  canary: 10,
  'node-drain': 0,
  'canary-flags': 0,
  ab: 0,
  shadow: 0,
  'feature-switch': 0,
  'gateway-rolling': 0,
}

/** Rejects a flag of another strategy, naming the strategies it applies to. */
export function rejectForeignFlags(strategy: StrategyName, flags: Flags): void {
  for (const flag of Object.keys(flags)) {
    const owners = ownersOf(flag)
    if (owners.length > 0 && !owners.includes(strategy)) {
      throw new UsageError(`--${flag} applies to ${owners.join(', ')} only`)
    }
  }
}

/** The run's options from validated flags; every bad value is a usage error naming its flag. */
export function optionsFrom(strategy: StrategyName, flags: Flags): DemoOptions {
  const replicas = intFlag(flags, 'replicas', DEFAULT_REPLICAS[strategy], 1, 10)
  const scenario = scenarioFrom(strategy, flags, replicas)
  const propagationDelayMs = intFlag(
    flags,
    'propagation-delay-ms',
    ROLLOUT_DEFAULTS.propagationDelayMs,
    0,
    60_000,
  )
  const propagationJitterMs = intFlag(
    flags,
    'propagation-jitter-ms',
    Math.min(ROLLOUT_DEFAULTS.propagationJitterMs, propagationDelayMs),
    0,
    60_000,
  )
  if (propagationJitterMs > propagationDelayMs) {
    throw new UsageError(
      `--propagation-jitter-ms must not exceed --propagation-delay-ms (${propagationDelayMs})`,
    )
  }
  return {
    replicas,
    rps: intFlag(flags, 'rps', 200, 1, 5000),
    connections: intFlag(flags, 'connections', 32, 1, 512),
    maxRequestsPerConnection: intFlag(
      flags,
      'max-requests-per-connection',
      DEFAULT_MAX_REQUESTS[strategy],
      0,
      1_000_000,
    ),
    propagationDelayMs,
    propagationJitterMs,
    shutdownDelayMs:
      flags['shutdown-delay-ms'] === undefined
        ? undefined
        : intFlag(flags, 'shutdown-delay-ms', 0, 0, 120_000),
    shutdownQuietMs:
      flags['shutdown-quiet-ms'] === undefined
        ? undefined
        : intFlag(flags, 'shutdown-quiet-ms', 1000, 0, 600_000),
    minReadyMs: intFlag(flags, 'min-ready-ms', 0, 0, 120_000),
    warmupMs: intFlag(flags, 'warmup-ms', 1500, 0, 600_000),
    tailMs: intFlag(flags, 'tail-ms', 1500, 0, 600_000),
    unprepared: flags.unprepared === true,
    strategy: strategyFrom(strategy, flags),
    scenario,
    service: serviceFor(scenario, intFlag(flags, 'latency-ms', 0, 0, 5000)),
    // The A/B variants answer as versions a and b; everything else rolls or compares v1 and v2.
    ...(strategy === 'ab' ? { fromVersion: 'a', toVersion: 'b' } : {}),
    ...(GATEWAY_STRATEGIES.has(strategy) ? { stack: appStack() } : {}),
  }
}

/** The service the Deployment under test runs: catalog, recommendations (ab, shadow), or the gateway. */
function serviceFor(scenario: Scenario, latencyMs: number): DemoOptions['service'] {
  const catalogLatency = { CATALOG_LATENCY_MS: String(latencyMs) }
  if (scenario.kind === 'ab' || scenario.kind === 'shadow') {
    return {
      name: 'recommendations',
      entry: serviceEntry('recommendations'),
      path: '/recommendations',
      env: { RECOMMENDATIONS_LATENCY_MS: String(latencyMs) },
    }
  }
  if (scenario.kind === 'gateway-rolling' && scenario.roll === 'gateway') {
    // The catalog behind the rolled gateway takes the latency (the gateway passes it on).
    return {
      name: 'gateway',
      entry: serviceEntry('gateway'),
      path: '/api/catalog/products',
      env: catalogLatency,
    }
  }
  return { name: 'catalog', entry: serviceEntry('catalog'), path: '/products', env: catalogLatency }
}

function strategyFrom(strategy: StrategyName, flags: Flags): Strategy {
  if (strategy === 'recreate') return { type: 'Recreate' }
  return {
    type: 'RollingUpdate',
    maxSurge: intOrPercentFlag(flags, 'max-surge', '25%'),
    maxUnavailable: intOrPercentFlag(flags, 'max-unavailable', '25%'),
  }
}

function scenarioFrom(strategy: StrategyName, flags: Flags, replicas: number): Scenario {
  switch (strategy) {
    case 'rolling':
    case 'recreate':
      return { kind: strategy }
    case 'blue-green':
      return {
        kind: 'blue-green',
        preview: flags.preview === true,
        rollback: flags.rollback === true,
        ...(flags['scale-down-delay-ms'] === undefined
          ? {}
          : { scaleDownDelayMs: intFlag(flags, 'scale-down-delay-ms', 0, 0, 600_000) }),
      }
    case 'canary':
      return {
        kind: 'canary',
        steps: stepsFlag(flags, replicas),
        stepPauseMs: intFlag(flags, 'step-pause-ms', SCENARIO_DEFAULTS.canary.stepPauseMs, 0, 600_000),
        maxErrorPercent: percentFlag(flags, 'max-error-percent', SCENARIO_DEFAULTS.canary.maxErrorPercent),
      }
    case 'node-drain':
      return {
        kind: 'node-drain',
        nodes: intFlag(flags, 'nodes', SCENARIO_DEFAULTS['node-drain'].nodes, 2, 10),
        placement: placementFlag(flags),
        pdb: pdbFlag(flags, replicas),
        evictionRetryMs: intFlag(
          flags,
          'eviction-retry-ms',
          SCENARIO_DEFAULTS['node-drain'].evictionRetryMs,
          10,
          60_000,
        ),
      }
    default:
      return appScenarioFrom(strategy, flags)
  }
}

/** The strategies with a gateway in front. */
function appScenarioFrom(strategy: StrategyName, flags: Flags): Scenario {
  const users = () => intFlag(flags, 'users', 1000, 1, 1_000_000)
  const hold = (kind: 'ab' | 'shadow' | 'feature-switch') =>
    intFlag(flags, 'hold-ms', SCENARIO_DEFAULTS[kind].holdMs, 100, 600_000)
  switch (strategy) {
    case 'canary-flags': {
      const d = SCENARIO_DEFAULTS['canary-flags']
      return {
        kind: 'canary-flags',
        percentages: percentagesFlag(flags, 'percentages', d.percentages),
        stepPauseMs: intFlag(flags, 'step-pause-ms', d.stepPauseMs, 100, 600_000),
        maxErrorPercent: percentFlag(flags, 'max-error-percent', d.maxErrorPercent),
        maxP99Ms: intFlag(flags, 'max-p99-ms', d.maxP99Ms, 1, 600_000),
        canaryLatencyMs: intFlag(flags, 'canary-latency-ms', d.canaryLatencyMs, 0, 5000),
        users: users(),
      }
    }
    case 'ab':
      return {
        kind: 'ab',
        weights: variantsFlag(flags, 'variants', SCENARIO_DEFAULTS.ab.weights),
        holdMs: hold('ab'),
        bLatencyMs: intFlag(flags, 'b-latency-ms', 0, 0, 5000),
        users: users(),
      }
    case 'shadow':
      return {
        kind: 'shadow',
        holdMs: hold('shadow'),
        shadowAlgorithm: choiceFlag(flags, 'shadow-algorithm', ['personalized', 'popular'] as const),
        shadowLatencyMs: intFlag(flags, 'shadow-latency-ms', 0, 0, 5000),
        users: users(),
      }
    case 'feature-switch':
      return {
        kind: 'feature-switch',
        rollout: intFlag(flags, 'rollout', SCENARIO_DEFAULTS['feature-switch'].rollout, 1, 100),
        holdMs: hold('feature-switch'),
        users: users(),
      }
    default:
      return {
        kind: 'gateway-rolling',
        roll: choiceFlag(flags, 'roll', ['gateway', 'catalog'] as const),
        fixedReplicas: intFlag(flags, 'fixed-replicas', 2, 1, 10),
      }
  }
}

function intOrPercentFlag(flags: Flags, name: string, fallback: `${number}%`): number | `${number}%` {
  const raw = flags[name]
  if (raw === undefined) return fallback
  if (typeof raw === 'string' && /^\d+%$/.test(raw)) return raw as `${number}%`
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return Number(raw)
  throw new UsageError(`--${name} must be a whole number or a percentage like 25% (got "${String(raw)}")`)
}

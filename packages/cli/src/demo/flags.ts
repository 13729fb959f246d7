import { ROLLOUT_DEFAULTS } from '@zdd/rollout'
import type { FlagSpec } from '../args.ts'

export const STRATEGIES = [
  'rolling',
  'recreate',
  'blue-green',
  'canary',
  'node-drain',
  'canary-flags',
  'ab',
  'shadow',
  'feature-switch',
  'gateway-rolling',
] as const
export type StrategyName = (typeof STRATEGIES)[number]

/**
 * What `demo all` runs: the Kubernetes-level strategies, then the app-level ones (a gateway in front,
 * flags deciding). gateway-rolling, the proof that the gateway itself rolls without loss, is not a way of
 * delivering a version and runs on its own.
 */
export const ALL_STRATEGIES = STRATEGIES.filter((strategy) => strategy !== 'gateway-rolling')

/** The strategies that run a real gateway in front of the Service(s). */
export const GATEWAY_STRATEGIES: ReadonlySet<StrategyName> = new Set([
  'canary-flags',
  'ab',
  'shadow',
  'feature-switch',
  'gateway-rolling',
])

/** Flags every strategy (and `demo all`) takes. */
export const COMMON_FLAGS: FlagSpec = {
  replicas: {
    type: 'string',
    description:
      'replicas of the Deployment under test (1-10); canary-flags: of the stable, ab and shadow: of each',
    default: '3; canary, node-drain: 4; canary-flags, ab, shadow, feature-switch: 2',
  },
  rps: { type: 'string', description: 'open-loop request rate (1-5000)', default: '200' },
  connections: {
    type: 'string',
    description: 'keep-alive connections the client may open (1-512)',
    default: '32',
  },
  'max-requests-per-connection': {
    type: 'string',
    description:
      'client closes a connection after this many requests, 0 never (kube-proxy moves only new connections)',
    default: '0; canary: 10',
  },
  'propagation-delay-ms': {
    type: 'string',
    description:
      'endpoint propagation delay (measured on the real node: 69–760 ms, see zdd cluster propagation)',
    default: String(ROLLOUT_DEFAULTS.propagationDelayMs),
  },
  'propagation-jitter-ms': {
    type: 'string',
    description: 'uniform jitter around that delay',
    default: String(ROLLOUT_DEFAULTS.propagationJitterMs),
  },
  'shutdown-delay-ms': {
    type: 'string',
    description:
      'SHUTDOWN_DELAY_MS of the pods: the least drain (the adaptive drain then waits until arrivals stop)',
    default: "0, the lifecycle's default",
  },
  'shutdown-quiet-ms': {
    type: 'string',
    description:
      'SHUTDOWN_QUIET_MS of the pods: serve until no new connection for this long; 0 = the fixed drain',
    default: "1000, the lifecycle's default",
  },
  'latency-ms': {
    type: 'string',
    description:
      'time each backend takes per request (CATALOG_LATENCY_MS; ab, shadow: RECOMMENDATIONS_LATENCY_MS; 0-5000)',
    default: '0',
  },
  'min-ready-ms': { type: 'string', description: 'Deployment minReadySeconds, in ms', default: '0' },
  'warmup-ms': { type: 'string', description: 'load before the change starts', default: '1500' },
  'tail-ms': { type: 'string', description: 'load after the change completed', default: '1500' },
  unprepared: { type: 'boolean', description: 'run the unprepared control (closes on SIGTERM)' },
  json: { type: 'string', description: 'write the report as JSON to this file' },
  html: { type: 'string', description: 'write a self-contained HTML report (chart, events) to this file' },
  help: { type: 'boolean', description: 'show this help' },
}

const USERS: FlagSpec[string] = {
  type: 'string',
  description: 'distinct users the load names in x-zdd-user, in turn (the gateway splits per user)',
  default: '1000',
}
const HOLD: FlagSpec[string] = {
  type: 'string',
  description: 'how long the change is observed',
  default: '3000',
}

/** Flags only some strategies take. */
export const STRATEGY_FLAGS: Record<StrategyName, FlagSpec> = {
  rolling: {
    'max-surge': { type: 'string', description: 'rolling update maxSurge (count or %)', default: '25%' },
    'max-unavailable': {
      type: 'string',
      description: 'rolling update maxUnavailable (count or %)',
      default: '25%',
    },
  },
  recreate: {},
  'blue-green': {
    'scale-down-delay-ms': {
      type: 'string',
      description: 'keep blue this long after the switch',
      default: 'delay + jitter + shutdown delay',
    },
    preview: { type: 'boolean', description: 'check every green pod directly before switching' },
    rollback: {
      type: 'boolean',
      description: 'after the scale-down delay, switch back to blue and stop green',
    },
  },
  canary: {
    steps: {
      type: 'string',
      description: 'canary replicas at each step, out of --replicas; "all" (promotion) always follows',
      default: '1,2',
    },
    'step-pause-ms': { type: 'string', description: 'pause at each step, observing', default: '2000' },
    'max-error-percent': {
      type: 'string',
      description: 'abort when a step fails more than this % of its requests',
      default: '0',
    },
  },
  'node-drain': {
    nodes: { type: 'string', description: 'simulated nodes (2-10)', default: '3' },
    placement: {
      type: 'string',
      description: 'spread (topology spread over nodes) or packed (all on one node)',
      default: 'spread',
    },
    pdb: {
      type: 'string',
      description: 'PodDisruptionBudget: maxUnavailable=N|N%, minAvailable=N|N%, or none',
      default: 'maxUnavailable=1',
    },
    'eviction-retry-ms': {
      type: 'string',
      description: 'wait after a refused eviction (kubectl drain: 5000)',
      default: '5000',
    },
  },
  'canary-flags': {
    percentages: {
      type: 'string',
      description: 'rollout % of users at each step, rising, through the catalog-canary flag',
      default: '5,25,50,100',
    },
    'step-pause-ms': {
      type: 'string',
      description: 'observation at each step, once the gateway has the new %',
      default: '2000',
    },
    'max-error-percent': {
      type: 'string',
      description: "abort (back to 0 %) when the canary's error rate at a step exceeds this %",
      default: '0',
    },
    'max-p99-ms': {
      type: 'string',
      description: "abort (back to 0 %) when the canary's p99 latency at a step exceeds this",
      default: '1000',
    },
    'canary-latency-ms': {
      type: 'string',
      description: 'extra latency of the canary (a bad canary, to see the abort; 0-5000)',
      default: '0',
    },
    users: USERS,
  },
  ab: {
    variants: {
      type: 'string',
      description: 'weights of the experiment once it starts (before it, everyone gets a)',
      default: 'a=50,b=50',
    },
    'hold-ms': HOLD,
    'b-latency-ms': {
      type: 'string',
      description: 'extra latency of variant b (0-5000), to see per-variant latency differ',
      default: '0',
    },
    users: USERS,
  },
  shadow: {
    'hold-ms': HOLD,
    'shadow-algorithm': {
      type: 'string',
      description: 'the mirrored version: personalized (answers differ) or popular (like the primary)',
      default: 'personalized',
    },
    'shadow-latency-ms': {
      type: 'string',
      description: "the shadow's latency (0-5000); above the gateway's shadow timeout (1000) it errs",
      default: '0',
    },
    users: USERS,
  },
  'feature-switch': {
    rollout: {
      type: 'string',
      description: '% of users the catalog-discount switch is on for once flipped (1-100)',
      default: '100',
    },
    'hold-ms': HOLD,
    users: USERS,
  },
  'gateway-rolling': {
    roll: {
      type: 'string',
      description: 'gateway (its own Deployment rolled, a catalog behind it) or catalog (rolled behind it)',
      default: 'gateway',
    },
    'fixed-replicas': {
      type: 'string',
      description: 'replicas of the Deployment that is not rolled (1-10)',
      default: '2',
    },
  },
}

export function flagsFor(strategy: StrategyName): FlagSpec {
  return { ...STRATEGY_FLAGS[strategy], ...COMMON_FLAGS }
}

/** Every flag any strategy takes: parse with these, then tell which strategy a stray one belongs to. */
export function allFlags(): FlagSpec {
  return Object.assign({}, COMMON_FLAGS, ...Object.values(STRATEGY_FLAGS))
}

/** The strategies a flag applies to (none for common flags). */
export function ownersOf(flag: string): StrategyName[] {
  return STRATEGIES.filter((strategy) => flag in STRATEGY_FLAGS[strategy])
}

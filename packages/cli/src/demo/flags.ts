import type { FlagSpec } from '../args.ts'

export const STRATEGIES = ['rolling', 'recreate', 'blue-green', 'canary', 'node-drain'] as const
export type StrategyName = (typeof STRATEGIES)[number]

/** Flags every strategy (and `demo all`) takes. */
export const COMMON_FLAGS: FlagSpec = {
  replicas: {
    type: 'string',
    description: 'replicas of the catalog Deployment (1-10)',
    default: '3; canary, node-drain: 4',
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
    description: 'endpoint propagation delay (kube-proxy ~1000)',
    default: '1000',
  },
  'propagation-jitter-ms': {
    type: 'string',
    description: 'uniform jitter around that delay',
    default: '250',
  },
  'shutdown-delay-ms': {
    type: 'string',
    description: 'SHUTDOWN_DELAY_MS of the pods',
    default: 'delay + jitter + 500',
  },
  'latency-ms': {
    type: 'string',
    description: 'time the catalog takes per request (CATALOG_LATENCY_MS, 0-5000): requests in flight',
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

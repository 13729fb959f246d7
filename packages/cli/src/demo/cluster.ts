import {
  blueGreen,
  CLUSTER_PROGRESSIVE_DEFAULTS,
  CLUSTER_RUN_DEFAULTS,
  CLUSTER_SHIFTS,
  type ClusterCanaryBuild,
  type ClusterScenario,
  type ClusterShift,
  canary,
  NODES,
  nodeCount,
  nodeDrain,
  progressive,
  rolling,
  runOnCluster,
  upgrade,
} from '@zdd/cluster'
import { type FlagSpec, intFlag, parseFlags, usage } from '../args.ts'
import { UsageError } from '../errors.ts'
import { summary } from '../summary.ts'
import { writeOutputs } from './outputs.ts'
import { exitCode } from './watch.ts'

const SPEC: FlagSpec = {
  cluster: {
    type: 'boolean',
    description: 'run on the local cluster of `zdd cluster up` (real controllers)',
  },
  rps: {
    type: 'string',
    description: 'open-loop request rate through the gateway',
    default: String(CLUSTER_RUN_DEFAULTS.rps),
  },
  connections: {
    type: 'string',
    description: 'keep-alive connections',
    default: String(CLUSTER_RUN_DEFAULTS.connections),
  },
  roll: {
    type: 'string',
    description: 'rolling: the Deployments restarted, in order',
    default: 'catalog,gateway',
  },
  unprepared: {
    type: 'boolean',
    description: 'the control: SHUTDOWN_MODE=unprepared on the rolled Deployments',
  },
  prometheus: {
    type: 'boolean',
    description:
      "a real Prometheus on this machine scraping the pods' /metrics during the run; its address is printed",
  },
  'lifecycle-defaults': {
    type: 'boolean',
    description:
      "the services run with no SHUTDOWN_* variable (@zdd/lifecycle's defaults: the adaptive drain) instead of the overlay's",
  },
  canary: {
    type: 'string',
    description: 'progressive: the canary build, good, bad (fails --bad-error-percent) or idle (no traffic)',
    default: 'good',
  },
  shift: {
    type: 'string',
    description:
      "progressive: how traffic moves, replicas (the Service's pods), gateway (the gateway's catalog-canary flag), traefik (a TraefikService's weights) or httproute (Gateway API HTTPRoute weights); the last two run a Traefik on this machine",
    default: CLUSTER_PROGRESSIVE_DEFAULTS.shift,
  },
  weights: {
    type: 'string',
    description:
      "progressive with --shift gateway|traefik|httproute: the canary's weight at each step, in percent",
    default: CLUSTER_PROGRESSIVE_DEFAULTS.weights.join(','),
  },
  'bad-error-percent': {
    type: 'string',
    description: 'progressive: share of requests the bad canary fails',
    default: String(CLUSTER_PROGRESSIVE_DEFAULTS.badErrorPercent),
  },
  'decision-interval-ms': {
    type: 'string',
    description: 'progressive: between two looks at a step',
    default: String(CLUSTER_PROGRESSIVE_DEFAULTS.decisionIntervalMs),
  },
  'step-timeout-ms': {
    type: 'string',
    description: 'progressive: an inconclusive step waits this long, then the rollout pauses',
    default: String(CLUSTER_PROGRESSIVE_DEFAULTS.stepTimeoutMs),
  },
  'hold-paused-ms': {
    type: 'string',
    description: 'progressive: a paused rollout waits this long for `zdd canary --cluster …`',
    default: String(CLUSTER_PROGRESSIVE_DEFAULTS.holdPausedMs),
  },
  'min-requests': {
    type: 'string',
    description: 'progressive: canary requests a step needs to pass; 0: the least that can (381)',
    default: '0',
  },
  json: { type: 'string', description: 'write the report as JSON to this file' },
  html: { type: 'string', description: 'write the report as an HTML page to this file' },
  help: { type: 'boolean', description: 'this text' },
}

const SCENARIOS: Record<string, (flags: Record<string, string | boolean | undefined>) => ClusterScenario> = {
  rolling: (flags) => {
    const roll = String(flags.roll ?? 'catalog,gateway').split(',')
    const bad = roll.find((d) => d !== 'catalog' && d !== 'gateway')
    if (bad !== undefined)
      throw new UsageError(`--roll takes catalog and/or gateway, comma-separated (got "${bad}")`)
    return rolling(roll)
  },
  'blue-green': () => blueGreen(),
  canary: () => canary(),
  progressive: (flags) => {
    const build = String(flags.canary ?? 'good')
    if (!['good', 'bad', 'idle'].includes(build))
      throw new UsageError(`--canary must be good, bad or idle (got "${build}")`)
    const minRequests = intFlag(flags, 'min-requests', 0, 0, 10_000_000)
    const shift = String(flags.shift ?? CLUSTER_PROGRESSIVE_DEFAULTS.shift)
    if (!CLUSTER_SHIFTS.includes(shift as ClusterShift))
      throw new UsageError(`--shift must be ${CLUSTER_SHIFTS.join(', ')} on the cluster (got "${shift}")`)
    return progressive({
      canary: build as ClusterCanaryBuild,
      shift: shift as ClusterShift,
      weights: weightsFlag(flags),
      badErrorPercent: intFlag(flags, 'bad-error-percent', 5, 1, 100),
      decisionIntervalMs: intFlag(flags, 'decision-interval-ms', 2000, 200, 600_000),
      stepTimeoutMs: intFlag(flags, 'step-timeout-ms', 30_000, 200, 3_600_000),
      holdPausedMs: intFlag(flags, 'hold-paused-ms', 0, 0, 3_600_000),
      judge: minRequests > 0 ? { minRequests } : {},
    })
  },
  upgrade: () => upgrade(NODES.slice(0, nodeCount())),
  'node-drain': () => {
    if (nodeCount() < 2)
      throw new UsageError('node-drain needs a second node to drain to: zdd cluster up --nodes 2')
    return nodeDrain(NODES.slice(0, nodeCount()).map((node) => node.name))
  },
}

/** --weights: rising whole percentages from 1 to 99, e.g. 20,50. */
function weightsFlag(flags: Record<string, string | boolean | undefined>): number[] {
  const text = String(flags.weights ?? CLUSTER_PROGRESSIVE_DEFAULTS.weights.join(','))
  const weights = text.split(',').map((part) => Number(part.trim()))
  const rising = weights.every(
    (w, i) => Number.isInteger(w) && w >= 1 && w <= 99 && (i === 0 || w > (weights[i - 1] ?? 0)),
  )
  if (!rising || weights.length === 0)
    throw new UsageError(
      `--weights must be rising whole percentages from 1 to 99, e.g. 20,50 (got "${text}")`,
    )
  return weights
}

/** `zdd demo <strategy> --cluster`: the strategy on the real cluster, reported like the model's runs. */
export async function clusterDemo(strategy: string, args: string[]): Promise<number> {
  const flags = parseFlags(args, SPEC)
  if (flags.help) {
    process.stdout.write(`${usage(`demo ${strategy} --cluster`, SPEC)}\n`)
    return 0
  }
  const make = SCENARIOS[strategy]
  if (!make) {
    throw new UsageError(
      `${strategy} does not run on the cluster yet; with --cluster: ${Object.keys(SCENARIOS).join(', ')}`,
    )
  }
  const report = await runOnCluster(
    make(flags),
    {
      rps: intFlag(flags, 'rps', CLUSTER_RUN_DEFAULTS.rps, 1, 5_000),
      connections: intFlag(flags, 'connections', CLUSTER_RUN_DEFAULTS.connections, 1, 512),
      unprepared: flags.unprepared === true,
      lifecycleDefaults: flags['lifecycle-defaults'] === true,
      prometheus: flags.prometheus === true,
    },
    (line) => process.stderr.write(`[cluster] ${line}\n`),
  )
  process.stdout.write(`${summary(report)}\n`)
  await writeOutputs(flags, report)
  return exitCode(report)
}

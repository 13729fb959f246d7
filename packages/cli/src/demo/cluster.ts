import {
  blueGreen,
  CLUSTER_RUN_DEFAULTS,
  type ClusterScenario,
  canary,
  NODES,
  nodeCount,
  nodeDrain,
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
  upgrade: () => upgrade(NODES.slice(0, nodeCount())),
  'node-drain': () => {
    if (nodeCount() < 2)
      throw new UsageError('node-drain needs a second node to drain to: zdd cluster up --nodes 2')
    return nodeDrain(NODES.slice(0, nodeCount()).map((node) => node.name))
  },
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
    },
    (line) => process.stderr.write(`[cluster] ${line}\n`),
  )
  process.stdout.write(`${summary(report)}\n`)
  await writeOutputs(flags, report)
  return exitCode(report)
}

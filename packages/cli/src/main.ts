#!/usr/bin/env node
import { cluster } from './commands/cluster.ts'
import { demo } from './commands/demo.ts'
import { flags } from './commands/flags.ts'
import { up } from './commands/up.ts'
import { verify } from './commands/verify.ts'
import { UsageError } from './errors.ts'

const HELP = `zdd — zero-downtime delivery of Fastify services, proven under load

Commands:
  demo rolling [options]   roll a 3-replica catalog v1 → v2 under load and count every request
                           (zdd demo rolling --help for the options)
  demo recreate [options]  the same with the Recreate strategy: shows the downtime it causes
  demo blue-green [options]  green next to blue, switch the Service selector, stop blue after a delay
                           (--preview checks green first, --rollback switches back and stops green)
  demo canary [options]    replica-ratio canary in steps (--steps 1,2 of --replicas 4), then promotion;
                           aborts when a step fails more than --max-error-percent
  demo node-drain [options]  kubectl drain of the busiest node: evictions refused while they would
                           breach the PodDisruptionBudget (--pdb none --placement packed: the control)
  demo canary-flags [options]  app-level canary through the gateway: catalog-canary 5 → 25 → 50 → 100 %
                           of users; aborts (back to 0 %) past --max-error-percent or --max-p99-ms
  demo ab [options]        recommendations a and b behind the gateway, users split by variant
  demo shadow [options]    a new version gets mirrored reads; match / mismatch / error counts, samples
  demo feature-switch [options]  catalog-discount flipped on mid-run; share of the new behaviour over time
  demo gateway-rolling [options]  roll the gateway itself (--roll catalog: the catalog behind it)
  demo all [options]       every strategy but gateway-rolling in turn, then one comparison table
                           (every demo: --unprepared for the control, --json FILE, --html FILE)
  up [--base-port 3000]    run the local stack (gateway, catalog v1 + canary v2, recommendations a/b)
     [--unleash]           … with flags from the local Unleash (zdd flags up) instead of the file
  flags list|set|reset     show or change the feature flags of the local stack
                           (zdd flags help for the forms)
  flags up|down|export     a local Unleash server seeded with the demo flags (Postgres included);
                           export writes its flags as the offline flags file
  cluster up|down|status|env|images  a single-node Kubernetes from real components on this machine
                           (zdd cluster help)
  verify [options] -- COMMAND  run any service (any language) as Kubernetes would, roll it under load and
                           report whether it loses requests, and why (zdd verify --help)
  help                     this text

Exit codes: 0 ok, 2 usage error, 3 requests were lost, 4 a rollout was aborted (nothing lost).`

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'cluster':
      return cluster(rest)
    case 'demo':
      return demo(rest)
    case 'flags':
      return flags(rest)
    case 'up':
      return up(rest)
    case 'verify':
      return verify(rest)
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${HELP}\n`)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`zdd: ${err.message}\n`)
    process.exitCode = 2
  } else {
    const { code, message } = err as Error & { code?: string }
    process.stderr.write(`zdd: ${code ? `${code}: ` : ''}${message}\n`)
    process.exitCode = 1
  }
}

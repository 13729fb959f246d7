#!/usr/bin/env node
import { delimiter, resolve } from 'node:path'
import { loadScenarios, scenarioDefinitions } from '@zdd/rollout'
import { canary } from './commands/canary.ts'
import { cluster } from './commands/cluster.ts'
import { demo } from './commands/demo.ts'
import { flags } from './commands/flags.ts'
import { up } from './commands/up.ts'
import { verify } from './commands/verify.ts'
import { UsageError } from './errors.ts'

function help(): string {
  return `zdd — zero-downtime delivery of Fastify services, proven under load

Commands:
${demoLines()}
  demo all [options]       every strategy but gateway-rolling in turn, then one comparison table
                           (every demo: --unprepared for the control, --json FILE, --html FILE)
  canary start|status|pause|resume|promote|abort
                           operate a progressive rollout from any terminal (zdd canary help)
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

Exit codes: 0 ok, 2 usage error, 3 requests were lost, 4 a rollout was aborted (nothing lost),
5 a progressive rollout paused for an operator, 6 a canary command could not be applied.`
}

/** One line per scenario, from its definition: `zdd demo <kind> --help` has its options. */
function demoLines(): string {
  return scenarioDefinitions()
    .map((d) => `  ${`demo ${d.kind} [options]`.padEnd(24)} ${d.summary}`)
    .join('\n')
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'canary':
      return canary(rest)
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
      process.stdout.write(`${help()}\n`)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

/** Scenarios of the user's own (ZDD_SCENARIO_DIRS: folders of `*.scenario.js|ts` files), beside the built-in ones. */
async function loadUserScenarios(dirs = process.env.ZDD_SCENARIO_DIRS ?? ''): Promise<void> {
  for (const dir of dirs.split(delimiter).filter(Boolean)) await loadScenarios(resolve(dir))
}

try {
  await loadUserScenarios()
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

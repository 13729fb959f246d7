import { scenarioDefinition } from '@zdd/rollout'
import { parseFlags, usage } from '../args.ts'
import { demoAll } from '../demo/all.ts'
import { clusterDemo } from '../demo/cluster.ts'
import { allFlags, flagsFor, scenarioNames } from '../demo/flags.ts'
import { optionsFrom, rejectForeignFlags } from '../demo/options.ts'
import { writeOutputs } from '../demo/outputs.ts'
import { exitCode, watchRun } from '../demo/watch.ts'
import { UsageError } from '../errors.ts'
import { summary } from '../summary.ts'

/**
 * `zdd demo <strategy>`: a rollout under load with a live view, then the report (and --json / --html).
 * Exit 0 when nothing was lost, 3 when requests were lost, 4 when the rollout was aborted, 2 on usage.
 */
export async function demo(args: string[]): Promise<number> {
  const [strategy, ...rest] = args
  const names = [...scenarioNames(), 'all']
  if (strategy === undefined || strategy === '--help' || strategy === 'help') {
    process.stdout.write(`${usage(`demo <${names.join('|')}>`, allFlags())}\n`)
    return strategy === undefined ? 2 : 0
  }
  if (rest.includes('--cluster')) return clusterDemo(strategy, rest)
  if (strategy === 'all') return demoAll(rest)
  if (!names.includes(strategy)) {
    throw new UsageError(`unknown strategy "${strategy}"; available: ${names.join(', ')}`)
  }
  const name = strategy
  const flags = parseFlags(rest, allFlags())
  if (flags.help) {
    process.stdout.write(`${usage(`demo ${name}`, flagsFor(scenarioDefinition(name)))}\n`)
    return 0
  }
  rejectForeignFlags(name, flags)
  const report = await watchRun(optionsFrom(name, flags))
  process.stdout.write(`${summary(report)}\n`)
  await writeOutputs(flags, report)
  return exitCode(report)
}

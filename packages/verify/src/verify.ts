import { clusterChecks } from './checks/cluster.ts'
import { drainCheck, longRequestCheck, probesCheck, startupCheck } from './checks/serving.ts'
import { exitCheck, hangCheck, leftoversCheck, pid1Check } from './checks/stopping.ts'
import { CommandWithClusterError, NoCommandError } from './errors.ts'
import type { VerifyOptions } from './options.ts'
import { DOCS, type VerifyReport } from './report.ts'
import { clusterRun } from './runs/cluster-run.ts'
import { hangRun } from './runs/hang-run.ts'
import type { KubectlTarget } from './runs/kubectl.ts'
import type { Target } from './runs/launch.ts'
import { mainRun } from './runs/main-run.ts'
import { pid1Run } from './runs/pid1-run.ts'

export interface VerifyContext {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** With --cluster: the kubectl to run and its environment (default: `kubectl` from PATH, this environment). */
  kubectl?: KubectlTarget
  /** One line per step of the runs, as they happen. */
  progress?: (line: string) => void
}

/**
 * Runs the command four times as a pod's container would be run — loaded, deleted and signalled; as PID 1;
 * as PID 1 behind `sh -c`; with connections left open — and judges the eight checks from what it did.
 */
export async function verify(
  argv: string[],
  options: VerifyOptions,
  context: VerifyContext = {},
): Promise<VerifyReport> {
  const started = performance.now()
  const progress = context.progress ?? (() => {})
  if (options.cluster !== '') {
    if (argv.length > 0) throw new CommandWithClusterError()
    const kubectl = context.kubectl ?? { command: 'kubectl', env: context.env ?? process.env }
    const run = await clusterRun(options, kubectl, progress)
    const checks = clusterChecks(run, options)
    return {
      command: [`deployment/${options.cluster}`, `-n ${options.namespace}`],
      options,
      passed: checks.every((check) => check.status !== 'fail'),
      checks,
      durationMs: Math.round(performance.now() - started),
      output: run.rolloutError ?? '',
      docs: DOCS,
    }
  }
  if (argv.length === 0) throw new NoCommandError()
  const target: Target = { argv, options, cwd: context.cwd ?? process.cwd(), env: context.env ?? process.env }
  progress('run 1 of 4: start, load, delete the pod, signal')
  const main = await mainRun(target, (line) => progress(`  ${line}`))
  progress(`run 2 of 4: as PID 1 (a container's exec-form command), ${options.signal} to PID 1`)
  const pid1 = await pid1Run(target, 'exec')
  progress('run 3 of 4: as PID 1 behind sh -c (a shell-form CMD): who receives the signal')
  const shell = await pid1Run(target, 'shell')
  progress(`run 4 of 4: ${options.signal} with an idle keep-alive connection and a half-sent request open`)
  const hang = await hangRun(target)
  const checks = [
    startupCheck(main, options),
    probesCheck(main, options),
    drainCheck(main, options),
    longRequestCheck(main, options),
    exitCheck(main, options),
    pid1Check(pid1, shell, options),
    hangCheck(hang, options),
    leftoversCheck([
      { name: 'run 1', leftovers: main.leftovers },
      { name: 'run 2', leftovers: pid1.leftovers },
      { name: 'run 3', leftovers: shell.leftovers },
      { name: 'run 4', leftovers: hang.leftovers },
    ]),
  ]
  return {
    command: argv,
    options,
    passed: checks.every((check) => check.status !== 'fail'),
    checks,
    durationMs: Math.round(performance.now() - started),
    output: main.output.split('\n').slice(-40).join('\n'),
    docs: DOCS,
  }
}
